"""Name search: every fragment of two or more characters through one bigram index (search.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from jianguan.disclosure import search
from jianguan.entities.factories import EntityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def names(city_dept: Any) -> dict[str, Any]:
    made = {}
    for name in ["湘潭恒达超市有限公司", "湘潭达恒超市", "长沙恒达五金店", "ABC Trading 湘潭分公司", "湘潭超达市场"]:
        made[name] = EntityFactory.create(name=name, department=city_dept)
    return made


@pytest.mark.parametrize(("query", "expected"), [
    ("恒达", {"湘潭恒达超市有限公司", "长沙恒达五金店"}),
    ("恒达超市", {"湘潭恒达超市有限公司"}),  # 湘潭达恒超市 has the bigrams 超市 but not 恒达 in this order
    ("达超", {"湘潭恒达超市有限公司"}),  # 湘潭超达市场 has 超达, a different bigram
    ("超市", {"湘潭恒达超市有限公司", "湘潭达恒超市"}),
    ("abc trading", {"ABC Trading 湘潭分公司"}),  # Latin letters regardless of case
    ("超达市", {"湘潭超达市场"}),
])
def test_a_fragment_finds_exactly_the_names_that_contain_it(names: dict[str, Any], query: str,
                                                             expected: set[str]) -> None:
    found = {e.name for e in search.search_entities(query).entities}
    assert found == expected


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram index exists on PostgreSQL only")
def test_the_name_condition_can_use_the_bigram_index_for_long_fragments(names: dict[str, Any]) -> None:
    qs = search.matching(search.understand("恒达超市有限公司")).values_list("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "disclosure_entity_name_bigram" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bigram function exists on PostgreSQL only")
@pytest.mark.parametrize("name", ["", "a", "恒达", "湘潭恒达超市有限公司", "AbC Trading 湘潭", "a\x01b恒\x01", "一\n二 三",
                                  "😀表情🏪店", "（湘潭）恒达·超市", "\x01", "%_\\'"])
def test_the_fast_bigram_expression_gives_exactly_the_per_character_bigrams(name: str) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT disclosure_bigrams(%s), disclosure_bigrams_exact(%s)", [name, name])
        fast, exact = cur.fetchone()
    expected = [name.lower()[i : i + 2] for i in range(len(name) - 1)]
    assert fast == exact == expected
