"""The entity directory as a spreadsheet (spec name "entities"): import with upsert by uscc, export.

Built for size: a million rows stream through in batches; each batch costs a fixed handful of queries
(one to fetch the batch's existing rows by uscc, one bulk insert or bulk update per table, bulk history
rows), and the whole file is one transaction (all-or-nothing, core.tabular). On PostgreSQL new rows are
COPYed by a background writer while the next batch is parsed (see entities.bulk).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from jianguan.core import audit
from jianguan.core.exceptions import FieldError
from jianguan.core.lib.canonical import normalise
from jianguan.core.scoping import ADD, scope_of
from jianguan.core.tabular import (
    BatchResult,
    Column,
    FileRejected,
    ImportContext,
    ImportReport,
    RowInvalid,
    TableSpec,
)
from jianguan.entities.bulk import (
    COPY_NULL,
    BackgroundWriter,
    Insert,
    allocate_ids,
    copy_text,
    dumps_json,
    foreign_keys_checked_per_statement,
    ids_by_uscc,
    prepare_insert,
    run_copy_text,
    run_insert,
)
from jianguan.entities.choices import EntityStatus, IndustryLevel, VersionAction
from jianguan.entities.models import Entity, EntityVersion, Industry, Licence, Tag, draw_block_for
from jianguan.entities.uscc import normalise_uscc
from jianguan.entities.validation import (
    date_errors,
    kind_from_uscc,
    parse_date,
    parse_grade,
    parse_industry,
    parse_kind,
    parse_licences,
    parse_status,
    split_list,
)
from jianguan.organizations.models import Department, Region

# Scalar columns compared and written on upsert (key in the row -> model attribute).
SCALARS = [
    ("name", "name"), ("kind", "kind"), ("industry", "industry_id"), ("region", "region_id"),
    ("address", "address"), ("legal_representative", "legal_representative"), ("registered_on", "registered_on"),
    ("status", "status"), ("credit_grade", "credit_grade"), ("credit_grade_source", "credit_grade_source"),
    ("credit_grade_on", "credit_grade_on"),
]
TEXT_KEYS = {"name", "address", "legal_representative", "credit_grade_source"}
ENTITY_COLUMNS = (
    "created_at", "updated_at", "uscc", "name", "kind", "industry_id", "section", "region_id", "address",
    "legal_representative", "registered_on", "status", "credit_grade", "credit_grade_source", "credit_grade_on",
    "department_id", "is_active", "draw_block", "version",
)
VERSION_COLUMNS = ("entity_id", "version", "changed_at", "changed_by_id", "action", "changes")


# Columns that cannot be "cleared": a blank cell keeps the stored value (or the default for a new row).
KEEP_WHEN_BLANK = {"kind", "status"}


def _uscc(raw: str) -> str:
    return normalise_uscc(raw)


def _text(max_len: int, label: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if len(raw) > max_len:
            raise ValueError(f"「{label}」最长 {max_len} 个字，实际 {len(raw)} 个字")
        return raw

    return parse


def _region(raw: str) -> str:
    if len(raw) != 6 or not raw.isdigit():
        raise ValueError(f"区划代码「{raw}」应为 6 位数字（GB/T 2260）")
    return raw


class EntityTableSpec(TableSpec):
    """检查对象名录：统一社会信用代码为唯一键，存在则更新，不存在则新增。"""

    name = "entities"
    title = "检查对象名录"
    key = "uscc"
    columns = (
        Column("uscc", "统一社会信用代码", True, _uscc, "91430302MA4L0AAA3Q", "18 位，GB 32100-2015，自动校验第 18 位校验码"),
        Column("name", "名称", True, _text(200, "名称"), "湘潭市雨湖区示例商贸有限公司"),
        Column("kind", "主体类型", False, parse_kind, "企业", "企业、个体工商户、农民专业合作社、其他；留空按代码第 2 位推断",
               repeats=True),
        Column("industry", "行业代码", True, parse_industry, "52", "GB/T 4754-2017 两位大类代码，也可写 F52 或四位小类 5211",
               repeats=True),
        Column("region", "所在区划代码", True, _region, "430302", "六位行政区划代码，须在本部门辖区内", repeats=True),
        Column("address", "地址", False, _text(300, "地址"), "湖南省湘潭市雨湖区建设北路 1 号"),
        Column("legal_representative", "法定代表人", False, _text(100, "法定代表人"), "张三", "个人信息，公示时脱敏"),
        Column("registered_on", "成立日期", False, parse_date, "2018-05-20", repeats=True),
        Column("status", "登记状态", False, parse_status, "存续（在营）", "存续（在营）、停业、吊销、注销、迁出；留空为存续",
               repeats=True),
        Column("credit_grade", "信用风险等级", False, parse_grade, "B", "A（低风险）、B、C、D（高风险），留空为未评级",
               repeats=True),
        Column("credit_grade_source", "等级来源", False, _text(100, "等级来源"), "企业信用风险分类管理系统", repeats=True),
        Column("credit_grade_on", "评级日期", False, parse_date, "2024-01-15", repeats=True),
        Column("competent_departments", "主管部门编码", False, split_list, "430300-SJ;430300-SW", "部门编码，多个用 ; 分隔",
               repeats=True),
        Column("tags", "标签", False, split_list, "食品经营;重点单位", "多个用 ; 分隔；新标签自动建立", repeats=True),
        Column("licences", "许可证", False, parse_licences, "食品经营许可证:JY14303020012345", "类型:编号，多个用 ; 分隔"),
        Column("department", "录入部门编码", False, _text(40, "录入部门编码"), "430302-SJ",
               "维护该主体的部门；留空为本部门（平台管理员留空时取第一个主管部门）", repeats=True),
    )
    # Repeating columns share one parsed value between rows (core.tabular memo): clean_row replaces
    # the parsed lists (departments, tags) with new ones and never mutates them.

    # ------------------------------------------------------------ import

    def prepare(self, ctx: ImportContext) -> None:
        scope = scope_of(ctx.user)
        if not scope.can(ADD, Entity):
            raise FileRejected("您的角色无权导入市场主体")
        ctx.cache["scope"] = scope
        ctx.cache["industries"] = dict(
            Industry.objects.filter(level=IndustryLevel.DIVISION).values_list("code", "section"))
        ctx.cache["regions"] = set(Region.objects.values_list("code", flat=True))
        depts = list(Department.objects.values_list("pk", "code", "region_id", "level"))
        ctx.cache["dept_by_code"] = {code: pk for pk, code, _, _ in depts}
        ctx.cache["dept_code"] = {pk: code for pk, code, _, _ in depts}
        ctx.cache["dept_prefix"] = {
            pk: Department(region_id=region, level=level).jurisdiction_prefix for pk, _, region, level in depts}
        tags = list(Tag.objects.values_list("pk", "code", "name"))
        ctx.cache["tag_by_text"] = {name: pk for pk, _, name in tags} | {code: pk for pk, code, _ in tags}
        ctx.cache["tag_code"] = {pk: code for pk, code, _ in tags}
        ctx.cache["today"] = timezone.localdate()
        ctx.cache["versions"] = 0

    def writing(self, ctx: ImportContext) -> AbstractContextManager[Any]:
        return self._writing(ctx)

    @contextmanager
    def _writing(self, ctx: ImportContext) -> Iterator[None]:
        """PostgreSQL: foreign keys checked per COPY, and new rows written by a background writer."""
        tables: list[type[Model]] = [
            Entity, Entity.competent_departments.through, Entity.tags.through, Licence, EntityVersion]
        with foreign_keys_checked_per_statement(tables):
            if connection.vendor != "postgresql":
                yield
                return
            writer = ctx.cache["writer"] = BackgroundWriter()
            try:
                yield
            except BaseException:
                # Let the worker stop before the rollback uses the connection; the first error wins.
                with suppress(Exception):
                    writer.close()
                raise
            else:
                writer.close()  # raises a COPY's error (a foreign key, a unique code)
            finally:
                ctx.cache.pop("writer", None)

    def sync(self, ctx: ImportContext) -> None:
        writer: BackgroundWriter | None = ctx.cache.get("writer")
        if writer is not None:
            writer.wait()

    def clean_row(self, values: dict[str, Any], ctx: ImportContext) -> dict[str, Any]:
        cache = ctx.cache
        scope = cache["scope"]
        industry = values.get("industry")
        if industry is not None:
            division, section = industry
            known = cache["industries"].get(division)
            if known is None:
                raise RowInvalid(f"未知的行业代码 {division}：应为 GB/T 4754-2017 的两位大类代码（01–97）",
                                 "industry", "unknown_industry")
            if section and section != known:
                raise RowInvalid(f"行业大类 {division} 属于门类 {known}，不属于 {section}", "industry",
                                 "industry_section_mismatch")
            values["industry"] = division
            values["section"] = known
        region = values.get("region")
        if region is not None:
            if region not in cache["regions"]:
                raise RowInvalid(f"区划代码 {region} 不存在（GB/T 2260）", "region", "unknown_region")
            if not scope.unrestricted and not region.startswith(scope.region_prefix):
                raise RowInvalid(f"所在区划 {region} 不在您的辖区内（辖区代码前缀 {scope.region_prefix}）", "region",
                                 "out_of_jurisdiction")
        if values.get("competent_departments") is not None:
            ids = []
            for code in values["competent_departments"]:
                pk = cache["dept_by_code"].get(code)
                if pk is None:
                    raise RowInvalid(f"未知的部门编码 {code}", "competent_departments", "unknown_department")
                if pk not in ids:
                    ids.append(pk)
            values["competent_departments"] = ids
        dept_code = values.get("department")
        if dept_code:
            pk = cache["dept_by_code"].get(dept_code)
            if pk is None:
                raise RowInvalid(f"未知的部门编码 {dept_code}", "department", "unknown_department")
            if not scope.unrestricted and pk != scope.department_id:
                raise RowInvalid("只能以本部门作为录入部门", "department", "not_own_department")
            values["department"] = pk
        if values.get("licences") is not None:
            values["licences"] = list(dict.fromkeys(values["licences"]))
        if values.get("tags") is not None:
            values["tags"] = list(dict.fromkeys(values["tags"]))
        grade = values.get("credit_grade", "?")
        for field, message in date_errors(registered_on=values.get("registered_on"), credit_grade=grade,
                                          credit_grade_on=values.get("credit_grade_on"), today=cache["today"]):
            raise RowInvalid(message, field, "invalid_date")
        return values

    def _tag_ids(self, texts: list[str], ctx: ImportContext) -> list[int]:
        return [ctx.cache["tag_by_text"][t] for t in texts]

    def _ensure_tags(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> None:
        by_text = ctx.cache["tag_by_text"]
        missing = {t[:40] for _, v in rows for t in v.get("tags") or () if t not in by_text}
        if missing:
            created = Tag.objects.bulk_create([Tag(code=t, name=t[:60]) for t in sorted(missing)])
            for tag in created:
                by_text[tag.code] = tag.pk
                ctx.cache["tag_code"][tag.pk] = tag.code
            if any(tag.pk is None for tag in created):  # backends that return no keys
                for pk, code in Tag.objects.filter(code__in=missing).values_list("pk", "code"):
                    by_text[code] = pk
                    ctx.cache["tag_code"][pk] = code

    def write_batch(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext) -> BatchResult:
        self.sync(ctx)  # the previous batch's COPY first: one connection
        self._inserts(ctx)
        cache = ctx.cache
        scope = cache["scope"]
        result = BatchResult()
        key_header = "统一社会信用代码"
        usccs = [v["uscc"] for _, v in rows]
        found = ids_by_uscc(usccs)
        existing: dict[str, Entity] = {} if not found else {
            e.uscc: e for e in Entity.objects.filter(pk__in=list(found.values())).only(
                "pk", "uscc", "department_id", "version", "is_active", "section",
                *[attr for _, attr in SCALARS])
        }
        if existing and not scope.unrestricted:
            editable = set(Entity.objects.editable_by(ctx.user).filter(uscc__in=list(existing))
                           .values_list("uscc", flat=True))
            for rownum, v in rows:
                if v["uscc"] in existing and v["uscc"] not in editable:
                    result.errors.append(FieldError(
                        field=key_header, row=rownum, code="not_editable", value=v["uscc"],
                        message=f"统一社会信用代码 {v['uscc']} 对应的主体不由本部门维护或主管，无权修改"))
        for rownum, v in rows:
            if v["uscc"] not in existing and v.get("department") is None:
                fallback = scope.department_id or next(iter(v.get("competent_departments") or []), None)
                if fallback is None:
                    result.errors.append(FieldError(
                        field="录入部门编码", row=rownum, code="required",
                        message="新主体须指定录入部门：填写「录入部门编码」或至少一个「主管部门编码」"))
                    continue
                v["department"] = fallback
            dept = v.get("department")
            region = v.get("region") or (existing[v["uscc"]].region_id if v["uscc"] in existing else None)
            if dept is not None and region is not None and not region.startswith(cache["dept_prefix"][dept]):
                result.errors.append(FieldError(
                    field="所在区划代码", row=rownum, code="out_of_department_jurisdiction", value=region,
                    message=f"所在区划 {region} 不在录入部门 {cache['dept_code'][dept]} 的辖区内"))
            elif (dept is not None and v["uscc"] in existing and not scope.unrestricted
                  and dept != existing[v["uscc"]].department_id):
                result.errors.append(FieldError(field="录入部门编码", row=rownum, code="department_change",
                                                message="录入部门只能由平台管理员变更"))
        if result.errors:
            return result

        self._ensure_tags(rows, ctx)
        now = timezone.now()
        actor_id = getattr(ctx.user, "pk", None)
        new_rows = [(n, v) for n, v in rows if v["uscc"] not in existing]
        old_rows = [(n, v) for n, v in rows if v["uscc"] in existing]
        self._update(old_rows, existing, ctx, now, actor_id, result)
        self._create(new_rows, ctx, now, actor_id, result)  # last: it may leave its writes running
        return result

    def _create(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext, now: Any, actor_id: Any,
                result: BatchResult) -> None:
        """New entities: on PostgreSQL their ids come from the sequence first and the rows are built and
        COPYed on the background writer while the next batch is parsed; elsewhere inline."""
        if not rows:
            return
        pks = allocate_ids(Entity, len(rows))
        writer: BackgroundWriter | None = ctx.cache.get("writer")
        if pks is not None and writer is not None:
            writer.submit(functools.partial(self._write_new, rows, pks, ctx, now, actor_id))
        else:
            self._write_new(rows, pks, ctx, now, actor_id, None)
        result.created += len(rows)

    def _inserts(self, ctx: ImportContext) -> dict[str, Insert]:
        inserts = ctx.cache.get("inserts")
        if inserts is None:
            inserts = ctx.cache["inserts"] = {
                "entity": prepare_insert(Entity, ENTITY_COLUMNS),
                "entity_with_id": prepare_insert(Entity, ("id", *ENTITY_COLUMNS)),
                "competent": prepare_insert(Entity.competent_departments.through, ("entity_id", "department_id")),
                "tagged": prepare_insert(Entity.tags.through, ("entity_id", "tag_id")),
                "licence": prepare_insert(Licence, ("entity_id", "kind", "number")),
                "version": prepare_insert(EntityVersion, VERSION_COLUMNS),
            }
        return inserts

    def _write_new(self, rows: list[tuple[int, dict[str, Any]]], pks: list[int] | None, ctx: ImportContext,
                   now: Any, actor_id: Any, raw: Any) -> None:
        """Entities, then their related rows and first versions, as plain rows (no model instances).

        With ids (PostgreSQL) the rows are formatted straight into COPY's text format, a few times cheaper
        than handing psycopg a tuple per row; otherwise tuples for executemany. May run on the background
        writer's thread: then `raw` is the psycopg connection, and nothing here touches Django's connection
        or anything the caller's thread changes meanwhile."""
        for _, v in rows:
            if not v.get("kind"):
                v["kind"] = kind_from_uscc(v["uscc"])
        if pks is None:
            self._write_new_tuples(rows, ctx, now, actor_id)
            return
        cache = ctx.cache
        inserts = cache["inserts"]
        operating = EntityStatus.OPERATING.value
        null = COPY_NULL
        stamp = now.isoformat()
        entity_lines: list[str] = []
        for (_, v), pk in zip(rows, pks, strict=True):
            uscc = v["uscc"]
            registered_on, grade, grade_on = v.get("registered_on"), v.get("credit_grade"), v.get("credit_grade_on")
            # Columns: id and ENTITY_COLUMNS. Codes and choice values need no escaping; free text does.
            entity_lines.append(
                f"{pk}\t{stamp}\t{stamp}\t{uscc}\t{copy_text(v['name'])}\t{v['kind']}\t{v['industry']}\t"
                f"{v['section']}\t{v['region']}\t{copy_text(v.get('address') or '')}\t"
                f"{copy_text(v.get('legal_representative') or '')}\t"
                f"{null if registered_on is None else registered_on.isoformat()}\t{v.get('status') or operating}\t"
                f"{null if grade is None else grade}\t{copy_text(v.get('credit_grade_source') or '')}\t"
                f"{null if grade_on is None else grade_on.isoformat()}\t{v['department']}\tt\t"
                f"\\\\x{draw_block_for(uscc).hex()}\t1\n")
        run_copy_text(inserts["entity_with_id"], entity_lines, raw)
        del entity_lines
        competent: list[str] = []
        tagged: list[str] = []
        licences: list[str] = []
        versions: list[str] = []
        version_prefix = f"\t1\t{stamp}\t{null if actor_id is None else actor_id}\t{VersionAction.IMPORTED.value}\t"
        for (_, v), pk in zip(rows, pks, strict=True):
            after = self._created_state(v, cache)
            if depts := v.get("competent_departments"):
                competent.extend(f"{pk}\t{dept}\n" for dept in depts)
            if tags := v.get("tags"):
                tagged.extend(f"{pk}\t{tag}\n" for tag in self._tag_ids(tags, ctx))
            if lics := v.get("licences"):
                licences.extend(f"{pk}\t{copy_text(kind)}\t{copy_text(number)}\n" for kind, number in lics)
            changes = dumps_json({"before": {}, "after": after})
            versions.append(f"{pk}{version_prefix}{copy_text(changes)}\n")
        run_copy_text(inserts["competent"], competent, raw)
        run_copy_text(inserts["tagged"], tagged, raw)
        run_copy_text(inserts["licence"], licences, raw)
        run_copy_text(inserts["version"], versions, raw)

    def _write_new_tuples(self, rows: list[tuple[int, dict[str, Any]]], ctx: ImportContext, now: Any,
                          actor_id: Any) -> None:
        """Without ids known beforehand (SQLite): insert the entities, read their ids back, then the rest."""
        cache = ctx.cache
        inserts = cache["inserts"]
        operating = EntityStatus.OPERATING.value
        entity_rows = [(
            now, now, v["uscc"], v["name"], v["kind"], v["industry"], v["section"], v["region"],
            v.get("address") or "", v.get("legal_representative") or "", v.get("registered_on"),
            v.get("status") or operating, v.get("credit_grade"), v.get("credit_grade_source") or "",
            v.get("credit_grade_on"), v["department"], True, draw_block_for(v["uscc"]), 1,
        ) for _, v in rows]
        run_insert(inserts["entity"], entity_rows)
        del entity_rows
        found = ids_by_uscc([v["uscc"] for _, v in rows])
        competent: list[tuple[int, int]] = []
        tagged: list[tuple[int, int]] = []
        licences: list[tuple[int, str, str]] = []
        versions: list[tuple[Any, ...]] = []
        imported = VersionAction.IMPORTED.value
        for _, v in rows:
            pk = found[v["uscc"]]
            after = self._created_state(v, cache)
            if depts := v.get("competent_departments"):
                competent.extend((pk, dept) for dept in depts)
            if tags := v.get("tags"):
                tagged.extend((pk, tag) for tag in self._tag_ids(tags, ctx))
            if lics := v.get("licences"):
                licences.extend((pk, kind, number) for kind, number in lics)
            versions.append((pk, 1, now, actor_id, imported, {"before": {}, "after": after}))
        run_insert(inserts["competent"], competent)
        run_insert(inserts["tagged"], tagged)
        run_insert(inserts["licence"], licences)
        run_insert(inserts["version"], versions)

    @staticmethod
    def _created_state(v: dict[str, Any], cache: dict[str, Any]) -> dict[str, Any]:
        """A created entity's state for its first version, with empty fields left out (a third of the
        history table's size)."""
        after: dict[str, Any] = {"uscc": v["uscc"], "name": v["name"], "kind": v["kind"],
                                 "industry": v["industry"], "region": v["region"]}
        if value := v.get("address"):
            after["address"] = value
        if value := v.get("legal_representative"):
            after["legal_representative"] = value
        if (value := v.get("registered_on")) is not None:
            after["registered_on"] = value.isoformat()
        after["status"] = v.get("status") or EntityStatus.OPERATING.value
        if (value := v.get("credit_grade")) is not None:
            after["credit_grade"] = value
        if value := v.get("credit_grade_source"):
            after["credit_grade_source"] = value
        if (value := v.get("credit_grade_on")) is not None:
            after["credit_grade_on"] = value.isoformat()
        dept_code = cache["dept_code"]
        after["department"] = dept_code[v["department"]]
        after["is_active"] = True
        if depts := v.get("competent_departments"):
            after["competent_departments"] = sorted(dept_code[d] for d in depts)
        if tags := v.get("tags"):
            tag_code, tag_by_text = cache["tag_code"], cache["tag_by_text"]
            after["tags"] = sorted(tag_code[tag_by_text[t]] for t in tags)
        if lics := v.get("licences"):
            after["licences"] = sorted(f"{k}:{n}" for k, n in lics)
        return after

    def _update(self, rows: list[tuple[int, dict[str, Any]]], existing: dict[str, Entity], ctx: ImportContext,
                now: Any, actor_id: Any, result: BatchResult) -> None:
        if not rows:
            return
        cache = ctx.cache
        ids = [existing[v["uscc"]].pk for _, v in rows]
        has = {k for _, v in rows for k in ("competent_departments", "tags", "licences") if k in v}
        cur_depts: dict[int, set[int]] = defaultdict(set)
        cur_tags: dict[int, set[int]] = defaultdict(set)
        cur_lics: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
        through_d = Entity.competent_departments.through
        through_t = Entity.tags.through
        if "competent_departments" in has:
            for eid, did in through_d.objects.filter(entity_id__in=ids).values_list("entity_id", "department_id"):
                cur_depts[eid].add(did)
        if "tags" in has:
            for eid, tid in through_t.objects.filter(entity_id__in=ids).values_list("entity_id", "tag_id"):
                cur_tags[eid].add(tid)
        if "licences" in has:
            for lid, eid, kind, number in Licence.objects.filter(entity_id__in=ids).values_list(
                    "pk", "entity_id", "kind", "number"):
                cur_lics[eid][(kind, number)] = lid

        changed_objs: list[Entity] = []
        changed_fields: set[str] = set()
        versions: list[EntityVersion] = []
        dept_reset: list[int] = []
        dept_rows: list[Any] = []
        tag_reset: list[int] = []
        tag_rows: list[Any] = []
        lic_delete: list[int] = []
        lic_rows: list[Licence] = []
        for _, v in rows:
            obj = existing[v["uscc"]]
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for key, attr in SCALARS:
                if key not in v:
                    continue
                new = v[key]
                if new is None:
                    if key in KEEP_WHEN_BLANK:
                        continue
                    new = "" if key in TEXT_KEYS else None
                old = getattr(obj, attr)
                if new != old:
                    before[key], after[key] = old, new
                    setattr(obj, attr, new)
                    changed_fields.add(attr)
                    if key == "industry":
                        obj.section = v["section"]
                        changed_fields.add("section")
            if v.get("department") is not None and v["department"] != obj.department_id:
                before["department"] = cache["dept_code"][obj.department_id]
                after["department"] = cache["dept_code"][v["department"]]
                obj.department_id = v["department"]
                changed_fields.add("department_id")
            if not obj.is_active:
                # Importing a deactivated entity puts it back into the directory.
                before["is_active"], after["is_active"] = False, True
                obj.is_active = True
                changed_fields.add("is_active")
            if "competent_departments" in v:
                new_d = set(v["competent_departments"] or [])
                if new_d != cur_depts[obj.pk]:
                    before["competent_departments"] = sorted(cache["dept_code"][d] for d in cur_depts[obj.pk])
                    after["competent_departments"] = sorted(cache["dept_code"][d] for d in new_d)
                    dept_reset.append(obj.pk)
                    dept_rows.extend(through_d(entity_id=obj.pk, department_id=d) for d in new_d)
            if "tags" in v:
                new_t = set(self._tag_ids(v["tags"] or [], ctx))
                if new_t != cur_tags[obj.pk]:
                    before["tags"] = sorted(cache["tag_code"][t] for t in cur_tags[obj.pk])
                    after["tags"] = sorted(cache["tag_code"][t] for t in new_t)
                    tag_reset.append(obj.pk)
                    tag_rows.extend(through_t(entity_id=obj.pk, tag_id=t) for t in new_t)
            if "licences" in v:
                new_l = v["licences"] or []
                old_l = cur_lics[obj.pk]
                if set(new_l) != set(old_l):
                    before["licences"] = sorted(f"{k}:{n}" for k, n in old_l)
                    after["licences"] = sorted(f"{k}:{n}" for k, n in new_l)
                    # Licences that stay keep their rows (and their dates).
                    lic_delete.extend(lid for key, lid in old_l.items() if key not in set(new_l))
                    lic_rows.extend(Licence(entity_id=obj.pk, kind=k, number=n) for k, n in new_l if (k, n) not in old_l)
            if not after:
                result.unchanged += 1
                continue
            obj.version += 1
            obj.updated_at = now
            changed_objs.append(obj)
            versions.append(EntityVersion(
                entity_id=obj.pk, version=obj.version, changed_at=now, changed_by_id=actor_id,
                action=VersionAction.IMPORTED, changes=normalise({"before": before, "after": after})))
        if changed_objs:
            Entity.objects.bulk_update(changed_objs, sorted(changed_fields | {"version", "updated_at"}))
        if dept_reset:
            through_d.objects.filter(entity_id__in=dept_reset).delete()
            through_d.objects.bulk_create(dept_rows)
        if tag_reset:
            through_t.objects.filter(entity_id__in=tag_reset).delete()
            through_t.objects.bulk_create(tag_rows)
        if lic_delete:
            Licence.objects.filter(pk__in=lic_delete).delete()
        if lic_rows:
            Licence.objects.bulk_create(lic_rows)
        EntityVersion.objects.bulk_create(versions)
        result.updated += len(changed_objs)

    def finish(self, ctx: ImportContext, report: ImportReport) -> None:
        self.sync(ctx)
        # One audit event for the whole file; the per-entity detail lives in the entity versions.
        audit.record(
            actor=ctx.user, action="entity.imported", target_type="entities.entity", target_id="",
            target_repr=f"导入检查对象名录 {report.rows} 行",
            after={"file_sha256": report.file_sha256, "rows": report.rows, "created": report.created,
                   "updated": report.updated, "unchanged": report.unchanged},
        )

    # ------------------------------------------------------------ export

    def export_row(self, obj: Entity) -> list[Any]:
        return [
            obj.uscc, obj.name, obj.get_kind_display(), obj.industry_id, obj.region_id, obj.address,
            obj.legal_representative, obj.registered_on, obj.get_status_display(), obj.credit_grade or "",
            obj.credit_grade_source, obj.credit_grade_on,
            sorted(d.code for d in obj.competent_departments.all()),
            sorted(t.code for t in obj.tags.all()),
            sorted(f"{lic.kind}:{lic.number}" for lic in obj.licences.all()),
            obj.department.code,
        ]

