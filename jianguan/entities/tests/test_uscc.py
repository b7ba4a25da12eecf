from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianguan.entities.uscc import (
    ALPHABET,
    UsccError,
    check_char,
    generate_uscc,
    org_check_char,
    validate_uscc,
)


def _with_check(first17: str) -> str:
    return first17 + check_char(first17)


def test_the_standard_example_code_is_valid() -> None:
    assert validate_uscc("91350100M000100Y43").code == "91350100M000100Y43"


def test_input_is_trimmed_and_upper_cased() -> None:
    assert validate_uscc("  91350100m000100y43 \n").code == "91350100M000100Y43"


def test_weights_are_powers_of_three_mod_31() -> None:
    from jianguan.entities.uscc import WEIGHTS

    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def test_a_wrong_check_character_names_position_18_and_the_expected_character() -> None:
    with pytest.raises(UsccError, match="第 18 位校验码应为 3，实际为 4"):
        validate_uscc("91350100M000100Y44")


def test_a_character_outside_the_alphabet_names_its_position() -> None:
    with pytest.raises(UsccError, match="第 5 位字符 I 不在统一社会信用代码字符集中"):
        validate_uscc("9135I100M000100Y43")


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_that_look_like_digits_are_never_allowed(letter: str) -> None:
    with pytest.raises(UsccError, match=f"第 9 位字符 {letter}"):
        validate_uscc(f"91350100{letter}000100Y43")


@pytest.mark.parametrize(("raw", "length"), [("9135010", 7), ("91350100M000100Y431", 19), ("  ", None)])
def test_wrong_lengths_are_rejected_with_the_length(raw: str, length: int | None) -> None:
    with pytest.raises(UsccError, match=f"实际为 {length} 位" if length else "不能为空"):
        validate_uscc(raw)


def test_a_wrong_organisation_code_check_is_only_a_warning() -> None:
    body = "MA4L1F6Q"
    wrong = "0" if org_check_char(body) != "0" else "1"
    code = _with_check(f"91430302{body}{wrong}")
    result = validate_uscc(code)
    assert result.code == code
    assert len(result.warnings) == 1 and "第 17 位" in result.warnings[0] and "GB 11714" in result.warnings[0]


def test_organisation_code_check_follows_gb_11714_including_x_and_0() -> None:
    assert org_check_char("D2143569") == "X"  # the classic example D2143569-X: sum 199, 199 mod 11 = 1 -> 10 -> X
    assert org_check_char("00000000") == "0"  # sum 0 -> 11 -> 0
    assert org_check_char("00000006") == "X"  # 6*2 = 12, mod 11 = 1 -> X
    assert org_check_char("00000001") == "9"  # 1*2 = 2 -> 11 - 2 = 9


def test_generated_codes_for_the_same_seed_are_the_same() -> None:
    a = [generate_uscc(random.Random(7), "430302") for _ in range(3)]
    b = [generate_uscc(random.Random(7), "430302") for _ in range(3)]
    assert a == b
    assert a[0][:8] == "91430302"


def test_generate_rejects_a_malformed_region_code() -> None:
    with pytest.raises(ValueError, match="6 位数字"):
        generate_uscc(random.Random(0), "4303")


region_codes = st.sampled_from(["430300", "430302", "430304", "440303", "110101", "650102"])
kinds = st.sampled_from([("9", "1"), ("9", "2"), ("9", "3"), ("1", "1"), ("5", "1"), ("Y", "1")])


@settings(max_examples=300)
@given(seed=st.integers(min_value=0, max_value=2**32), region=region_codes, kind=kinds)
def test_every_generated_code_validates_without_warnings(seed: int, region: str, kind: tuple[str, str]) -> None:
    code = generate_uscc(random.Random(seed), region, *kind)
    result = validate_uscc(code)
    assert result.code == code and result.warnings == []


@settings(max_examples=500)
@given(seed=st.integers(min_value=0, max_value=2**32), position=st.integers(min_value=0, max_value=17),
       replacement=st.sampled_from(ALPHABET))
def test_any_single_character_substitution_is_detected(seed: int, position: int, replacement: str) -> None:
    code = generate_uscc(random.Random(seed), "430302")
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1:]
    with pytest.raises(UsccError):
        validate_uscc(changed)


@given(st.text(max_size=30))
def test_arbitrary_text_either_validates_or_raises_a_value_error(text: str) -> None:
    try:
        result = validate_uscc(text)
    except ValueError:
        return
    assert len(result.code) == 18 and all(c in ALPHABET for c in result.code)
