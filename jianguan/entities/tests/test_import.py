from __future__ import annotations

import csv
import datetime as dt
import io
import random
from typing import Any

import pytest
from openpyxl import Workbook

from jianguan.core import tabular
from jianguan.core.models import AuditEvent
from jianguan.entities import selectors
from jianguan.entities.factories import EntityFactory
from jianguan.entities.models import Entity, EntityVersion, Licence, Tag, draw_block_for
from jianguan.entities.tables import EntityTableSpec
from jianguan.entities.uscc import generate_uscc
from jianguan.organizations.models import Region

pytestmark = pytest.mark.django_db

HEADER = ["统一社会信用代码", "名称", "主体类型", "行业代码", "所在区划代码", "地址", "法定代表人", "成立日期", "登记状态",
          "信用风险等级", "等级来源", "评级日期", "主管部门编码", "标签", "许可证"]


def _code(n: int, region: str = "430302", kind: str = "1") -> str:
    return generate_uscc(random.Random(f"import-{n}"), region, "9", kind)


def _row(n: int, **over: str) -> list[str]:
    values = {
        "统一社会信用代码": _code(n), "名称": f"湘潭市雨湖区测试{n}商贸有限公司", "主体类型": "企业", "行业代码": "52",
        "所在区划代码": "430302", "地址": f"雨湖路 {n} 号", "法定代表人": "王五", "成立日期": "2018-05-20",
        "登记状态": "存续", "信用风险等级": "B", "等级来源": "分类系统", "评级日期": "2024-01-15",
        "主管部门编码": "", "标签": "食品经营", "许可证": f"食品经营许可证:JY{n:010d}",
    } | over
    return [values[h] for h in HEADER]


def _csv(rows: list[list[str]], header: list[str] = HEADER) -> io.BytesIO:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(buf.getvalue().encode("utf-8"))


def _import(user: Any, fh: io.BytesIO, name: str = "entities.csv") -> tabular.ImportReport:
    return tabular.run_import(EntityTableSpec(), fh, name, user=user)


def _state() -> tuple[int, int, int, int]:
    return (Entity.objects.count(), EntityVersion.objects.count(), Licence.objects.count(),
            AuditEvent.objects.filter(action="entity.imported").count())


def test_a_good_file_creates_entities_with_history_and_one_audit_event(county_staff: Any, city_dept: Any) -> None:
    rows = [_row(1, 主管部门编码=city_dept.code), _row(2, 主体类型="", 信用风险等级="", 评级日期="", 标签="", 许可证="")]
    report = _import(county_staff, _csv(rows))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    first = Entity.objects.get(uscc=_code(1))
    assert first.department_id == county_staff.department_id and first.section == "F"
    assert bytes(first.draw_block) == draw_block_for(first.uscc)
    assert list(first.competent_departments.all()) == [city_dept]
    assert [t.code for t in first.tags.all()] == ["食品经营"]
    assert [(lic.kind, lic.number) for lic in first.licences.all()] == [("食品经营许可证", "JY0000000001")]
    second = Entity.objects.get(uscc=_code(2))
    assert second.kind == "enterprise" and second.credit_grade is None  # kind inferred from the code
    assert EntityVersion.objects.filter(action="imported", version=1).count() == 2
    [event] = AuditEvent.objects.filter(action="entity.imported")
    assert event.after == {"file_sha256": report.file_sha256, "rows": 2, "created": 2, "updated": 0, "unchanged": 0}


def test_a_bad_check_character_names_row_column_and_expected_character_and_writes_nothing(county_staff: Any) -> None:
    good = _code(2)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    before = _state()
    report = _import(county_staff, _csv([_row(1), _row(2, 统一社会信用代码=bad), _row(3)]))
    assert not report.ok
    [error] = report.errors
    assert error["row"] == 3 and error["field"] == "统一社会信用代码"
    assert f"第 18 位校验码应为 {good[17]}，实际为 {bad[17]}" in error["message"]
    assert _state() == before


@pytest.mark.parametrize(("override", "column", "fragment"), [
    ({"所在区划代码": "439999"}, "所在区划代码", "区划代码 439999 不存在"),
    ({"所在区划代码": "430304"}, "所在区划代码", "不在您的辖区内"),
    ({"行业代码": "99"}, "行业代码", "未知的行业代码 99"),
    ({"行业代码": "A52"}, "行业代码", "不属于 A"),
    ({"主体类型": "公司制"}, "主体类型", "主体类型「公司制」无效"),
    ({"成立日期": "2099-01-01"}, "成立日期", "晚于今天"),
    ({"信用风险等级": "E"}, "信用风险等级", "无效"),
    ({"主管部门编码": "NOPE"}, "主管部门编码", "未知的部门编码 NOPE"),
    ({"名称": ""}, "名称", "不能为空"),
])
def test_a_bad_cell_is_reported_with_row_and_column_and_nothing_is_written(
    county_staff: Any, override: dict[str, str], column: str, fragment: str
) -> None:
    before = _state()
    report = _import(county_staff, _csv([_row(1), _row(2, **override)]))
    assert not report.ok
    assert [(e["row"], e["field"]) for e in report.errors] == [(3, column)]
    assert fragment in report.errors[0]["message"]
    assert _state() == before


def test_a_uscc_repeated_in_the_file_is_an_error_on_the_later_row(county_staff: Any) -> None:
    report = _import(county_staff, _csv([_row(1), _row(2), _row(1, 名称="重复")]))
    assert not report.ok
    assert report.errors[0]["row"] == 4 and "与第 2 行重复" in report.errors[0]["message"]
    assert not Entity.objects.exists()


def test_a_wrong_column_header_rejects_the_whole_file(county_staff: Any) -> None:
    header = [*HEADER[:1], "企业名称", *HEADER[2:]]
    report = _import(county_staff, _csv([_row(1)], header=header))
    assert not report.ok
    fields = {e["field"] for e in report.errors}
    assert "企业名称" in fields and "名称" in fields  # the unknown one and the missing required one
    assert not Entity.objects.exists()


def test_an_xlsx_file_imports_like_a_csv(county_staff: Any) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(_row(1))
    ws.append(_row(2, 成立日期="2019/7/1"))
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    report = _import(county_staff, buf, "名录.xlsx")
    assert report.ok, report.errors
    assert Entity.objects.get(uscc=_code(2)).registered_on == dt.date(2019, 7, 1)


def test_export_then_reimport_changes_nothing(county_staff: Any, city_dept: Any) -> None:
    assert _import(county_staff, _csv([_row(n, 主管部门编码=city_dept.code) for n in range(1, 6)])).ok
    qs = selectors.entity_list_for_export(user=county_staff)
    exported = b"".join(tabular.iter_csv_export(EntityTableSpec(), qs.iterator(chunk_size=2)))
    versions = EntityVersion.objects.count()
    report = _import(county_staff, io.BytesIO(exported))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert EntityVersion.objects.count() == versions


def test_reimporting_a_changed_row_updates_it_and_keeps_the_change(county_staff: Any) -> None:
    assert _import(county_staff, _csv([_row(1), _row(2)])).ok
    report = _import(county_staff, _csv([_row(1, 信用风险等级="D", 标签="", 许可证="烟草专卖零售许可证:Y1"), _row(2)]))
    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    entity = Entity.objects.get(uscc=_code(1))
    assert entity.credit_grade == "D" and entity.version == 2 and not entity.tags.exists()
    latest = EntityVersion.objects.get(entity=entity, version=2)
    assert latest.action == "imported"
    assert latest.changes["before"] == {"credit_grade": "B", "tags": ["食品经营"],
                                        "licences": ["食品经营许可证:JY0000000001"]}
    assert latest.changes["after"] == {"credit_grade": "D", "tags": [], "licences": ["烟草专卖零售许可证:Y1"]}


def test_rows_of_entities_the_user_may_not_edit_are_errors(county_staff: Any, city_entity: Entity) -> None:
    row = _row(1, 统一社会信用代码=city_entity.uscc)
    before = _state()
    report = _import(county_staff, _csv([_row(2), row]))
    assert not report.ok
    assert report.errors[0]["row"] == 3 and report.errors[0]["code"] == "not_editable"
    assert _state() == before


def test_a_competent_department_may_update_by_import(city_staff: Any, county_entity: Entity, city_dept: Any) -> None:
    row = _row(1, 统一社会信用代码=county_entity.uscc, 名称=county_entity.name, 信用风险等级="C")
    assert not _import(city_staff, _csv([row])).ok  # not yet competent
    county_entity.competent_departments.add(city_dept)
    report = _import(city_staff, _csv([_row(1, 统一社会信用代码=county_entity.uscc, 名称=county_entity.name,
                                            信用风险等级="C", 主管部门编码=city_dept.code)]))
    assert report.ok, report.errors
    county_entity.refresh_from_db()
    assert county_entity.credit_grade == "C" and county_entity.department_id != city_dept.pk


def test_roles_that_may_not_add_entities_cannot_import(city_legal: Any) -> None:
    report = _import(city_legal, _csv([_row(1)]))
    assert not report.ok and "无权导入" in report.message
    assert not Entity.objects.exists()


def test_the_platform_admin_imports_with_the_first_competent_department_as_maintainer(
    platform_admin: Any, county_dept: Any, other_province_dept: Any
) -> None:
    rows = [_row(1, 主管部门编码=county_dept.code),
            _row(2, 统一社会信用代码=_code(2, "440303"), 所在区划代码="440303", 主管部门编码=other_province_dept.code)]
    report = _import(platform_admin, _csv(rows))
    assert report.ok, report.errors
    assert Entity.objects.get(uscc=_code(2, "440303")).department == other_province_dept
    missing = _import(platform_admin, _csv([_row(3)]))
    assert not missing.ok and missing.errors[0]["field"] == "录入部门编码"


def test_importing_a_deactivated_entity_puts_it_back(county_staff: Any, county_entity: Entity) -> None:
    from jianguan.entities.services import entity_deactivate

    entity_deactivate(county_entity, by=county_staff)
    row = _row(1, 统一社会信用代码=county_entity.uscc, 名称=county_entity.name)
    assert _import(county_staff, _csv([row])).ok
    county_entity.refresh_from_db()
    assert county_entity.is_active


def test_unknown_tags_are_created_once(county_staff: Any) -> None:
    assert _import(county_staff, _csv([_row(1, 标签="新标签;食品经营"), _row(2, 标签="新标签")])).ok
    assert Tag.objects.filter(code="新标签").count() == 1
    assert Entity.objects.filter(tags__code="新标签").count() == 2


def test_many_batches_import_in_one_transaction(county_staff: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "BATCH_SIZE", 3)
    rows = [_row(n) for n in range(1, 11)]
    rows.append(_row(99, 行业代码="99"))
    assert not _import(county_staff, _csv(rows)).ok
    assert not Entity.objects.exists()  # batches written before the bad row were rolled back
    assert _import(county_staff, _csv(rows[:-1])).created == 10


def test_the_factory_entity_is_in_the_persona_region() -> None:
    entity = EntityFactory.create(region=Region.objects.get(code="430304"))
    assert entity.uscc[2:8] == "430304"


def test_many_batches_on_the_background_writer_match_the_file(
        county_staff: Any, city_dept: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Batches of 3: on PostgreSQL each batch's COPY runs while the next batch is parsed.
    monkeypatch.setattr(tabular, "BATCH_SIZE", 3)
    rows = [_row(n, 主管部门编码=city_dept.code if n % 2 else "", 标签="食品经营" if n % 3 else "")
            for n in range(1, 12)]
    report = _import(county_staff, _csv(rows))
    assert report.ok and report.created == 11, report.errors
    assert Entity.objects.count() == 11 and EntityVersion.objects.filter(version=1).count() == 11
    for n in range(1, 12):
        entity = Entity.objects.get(uscc=_code(n))
        assert [d.pk for d in entity.competent_departments.all()] == ([city_dept.pk] if n % 2 else [])
        assert [t.code for t in entity.tags.all()] == (["食品经营"] if n % 3 else [])
        assert entity.versions.get().changes["after"]["name"] == f"湘潭市雨湖区测试{n}商贸有限公司"
    again = _import(county_staff, _csv(rows))
    assert again.ok and again.unchanged == 11


def test_a_failing_background_copy_raises_as_a_django_database_error() -> None:
    from django.db import DatabaseError, connection, transaction

    from jianguan.entities.bulk import BackgroundWriter

    if connection.vendor != "postgresql":
        pytest.skip("the background writer is PostgreSQL only")

    def job(raw: Any) -> None:
        with raw.cursor() as cur:
            cur.execute("SELECT 1 FROM entities_entity WHERE no_such_column = 1")

    with pytest.raises(DatabaseError), transaction.atomic():
        writer = BackgroundWriter()
        writer.submit(job)
        writer.close()
    assert Entity.objects.count() == 0  # the connection is usable again after the savepoint's rollback


def test_foreign_keys_are_deferred_again_after_an_import(county_staff: Any) -> None:
    from django.db import IntegrityError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SET CONSTRAINTS is PostgreSQL only")
    assert _import(county_staff, _csv([_row(1)])).ok
    with transaction.atomic():
        with connection.cursor() as cur:  # deferred: a dangling reference is accepted until the check
            cur.execute("INSERT INTO entities_licence (entity_id, kind, number) VALUES (-1, 'x', 'y')")
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)


def test_backslashes_tabs_and_newlines_in_text_are_stored_exactly(county_staff: Any) -> None:
    # On PostgreSQL new rows travel in COPY's text format, where these characters must be escaped.
    name, address, licence = "湘潭\\N市\t测试\\商贸", "雨湖路\n1 号\r\n", "许可证:JY\\t01"
    report = _import(county_staff, _csv([_row(1, 名称=name, 地址=address, 法定代表人="\\N", 许可证=licence)]))
    assert report.ok, report.errors
    entity = Entity.objects.get(uscc=_code(1))
    assert (entity.name, entity.address, entity.legal_representative) == (name, address.strip(), "\\N")
    assert [(lic.kind, lic.number) for lic in entity.licences.all()] == [("许可证", "JY\\t01")]
    after = entity.versions.get().changes["after"]
    assert (after["name"], after["address"], after["licences"]) == (name, address.strip(), ["许可证:JY\\t01"])


def test_a_repeated_bad_value_is_reported_on_every_row(county_staff: Any) -> None:
    # Repeating columns remember parsed values; failures are not remembered.
    report = _import(county_staff, _csv([_row(1, 信用风险等级="Z"), _row(2), _row(3, 信用风险等级="Z")]))
    assert not report.ok
    assert [(e["row"], e["field"], e["code"]) for e in report.errors] == [
        (2, "信用风险等级", "invalid"), (4, "信用风险等级", "invalid")]
