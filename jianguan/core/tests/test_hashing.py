from jianguan.core.lib.canonical import canonical_json, digest


def test_sm3_matches_the_standard_test_vector() -> None:
    # GB/T 32905-2016 appendix A, example 1: SM3("abc").
    assert digest(b"abc", "sm3") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_canonical_json_sorts_keys_and_keeps_chinese() -> None:
    assert canonical_json({"b": 1, "a": "监管"}) == '{"a":"监管","b":1}'
