"""Parsing and rules shared by the services, the forms and the spreadsheet import.

Everything here is pure (no database): lookups of industries, regions and departments are passed in.
"""

from __future__ import annotations

import datetime as dt
import re

from jianguan.entities.choices import CreditGrade, EntityKind, EntityStatus

# Labels people type in spreadsheets, mapped to the stored values.
KIND_ALIASES: dict[str, str] = {
    **{k.value: k.value for k in EntityKind},
    **{str(k.label): k.value for k in EntityKind},
    "公司": EntityKind.ENTERPRISE, "企业法人": EntityKind.ENTERPRISE, "个体": EntityKind.INDIVIDUAL_BUSINESS,
    "个体户": EntityKind.INDIVIDUAL_BUSINESS, "合作社": EntityKind.FARMER_COOPERATIVE,
    "农民合作社": EntityKind.FARMER_COOPERATIVE,
}
STATUS_ALIASES: dict[str, str] = {
    **{s.value: s.value for s in EntityStatus},
    **{str(s.label): s.value for s in EntityStatus},
    "存续": EntityStatus.OPERATING, "在营": EntityStatus.OPERATING, "开业": EntityStatus.OPERATING,
    "在业": EntityStatus.OPERATING, "存续(在营)": EntityStatus.OPERATING,
    "吊销，未注销": EntityStatus.REVOKED, "吊销未注销": EntityStatus.REVOKED,
}
GRADE_ALIASES: dict[str, str | None] = {
    **{g.value: g.value for g in CreditGrade},
    **{f"{g.value}类": g.value for g in CreditGrade},
    **{f"{g.value}级": g.value for g in CreditGrade},
    **{str(g.label): g.value for g in CreditGrade},
    "未评级": None, "无": None,
}


def parse_kind(raw: str) -> str:
    value = KIND_ALIASES.get(raw.strip())
    if value is None:
        raise ValueError(f"主体类型「{raw}」无效；可填：企业、个体工商户、农民专业合作社、其他")
    return value


def parse_status(raw: str) -> str:
    value = STATUS_ALIASES.get(raw.strip())
    if value is None:
        raise ValueError(f"登记状态「{raw}」无效；可填：存续（在营）、停业、吊销、注销、迁出")
    return value


def parse_grade(raw: str) -> str | None:
    key = raw.strip().upper() if len(raw.strip()) == 1 else raw.strip()
    if key not in GRADE_ALIASES:
        raise ValueError(f"信用风险等级「{raw}」无效；可填 A、B、C、D（A 为低风险，D 为高风险）或留空（未评级）")
    return GRADE_ALIASES[key]


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def parse_date(raw: str) -> dt.date:
    text = raw.strip()
    if " " in text:  # "2020-01-02 00:00:00" from spreadsheets
        text = text.split(" ", 1)[0]
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                break
    raise ValueError(f"日期「{raw}」无效；请按 2020-01-31 的格式填写")


_INDUSTRY = re.compile(r"^([A-T])?(\d{2})(\d{1,2})?$")


def parse_industry(raw: str) -> tuple[str, str | None]:
    """Division code (two digits) and the section letter if one was written: 52, F52, 5211, F5211."""
    m = _INDUSTRY.match(raw.strip().upper())
    if not m:
        raise ValueError(f"行业代码「{raw}」无效；应为 GB/T 4754-2017 的两位大类代码，如 52（零售业）")
    return m.group(2), m.group(1)


def split_list(raw: str) -> list[str]:
    """A cell holding several values separated by ; (also the full-width ； and 、)."""
    return [p.strip() for p in re.split(r"[;；、\n]", raw) if p.strip()]


def parse_licences(raw: str) -> list[tuple[str, str]]:
    """"食品经营许可证:JY14303020012345;..." -> [(kind, number)]."""
    out: list[tuple[str, str]] = []
    for part in split_list(raw):
        kind, sep, number = part.replace("：", ":").partition(":")
        if not sep or not kind.strip() or not number.strip():
            raise ValueError(f"许可证「{part}」格式无效；应为 许可证类型:编号，多个用 ; 分隔")
        out.append((kind.strip()[:60], number.strip()[:100]))
    return out


def kind_from_uscc(code: str) -> str:
    """The entity kind implied by positions 1–2 of a code registered by market regulation (9x)."""
    if code[:1] == "9":
        return {"1": EntityKind.ENTERPRISE, "2": EntityKind.INDIVIDUAL_BUSINESS,
                "3": EntityKind.FARMER_COOPERATIVE}.get(code[1:2], EntityKind.OTHER)
    return EntityKind.OTHER


def date_errors(
    *, registered_on: dt.date | None, credit_grade: str | None, credit_grade_on: dt.date | None, today: dt.date
) -> list[tuple[str, str]]:
    """(field, message) for dates that cannot be right."""
    errors: list[tuple[str, str]] = []
    if registered_on is not None:
        if registered_on > today:
            errors.append(("registered_on", f"成立日期 {registered_on} 晚于今天"))
        elif registered_on.year < 1949:
            errors.append(("registered_on", f"成立日期 {registered_on} 早于 1949 年，请核对"))
    if credit_grade_on is not None:
        if credit_grade is None:
            errors.append(("credit_grade_on", "未填写信用风险等级时不能填写评级日期"))
        elif credit_grade_on > today:
            errors.append(("credit_grade_on", f"评级日期 {credit_grade_on} 晚于今天"))
        elif registered_on is not None and credit_grade_on < registered_on:
            errors.append(("credit_grade_on", f"评级日期 {credit_grade_on} 早于成立日期 {registered_on}"))
    return errors
