"""A whole real province for scale work: `manage.py seed_demo --province CODE --entities N`.

Built from the shipped region snapshot (organizations/data/regions) and through the real services:
- every current city and county of the province (pseudo-regions such as 市辖区 and 省直辖县级行政区划
  carry no departments; the county-level units under them report to the province);
- departments of the real kinds on three levels: market regulation everywhere; at province level the
  drug administration, seven industry authorities and fire rescue; at city level four industry
  authorities (ecology and environment, emergency management, transport, health); a justice bureau at
  every level (the same-level justice bureau reviews plans [003]); the business-environment office and
  the joint-meeting office at province and city level. Hainan (460000) gives 96 departments, Hunan (430000) 368;
- one login per working role in each supervising department (staff, division head, legal affairs office)
  and a reviewer in each justice bureau, password ``Jianguan@2026``;
- about 300 published inspection items, each level keeping its own list built from the same national
  entries (catalog.demo.ITEMS): the province all of its sector's items, cities twelve, counties six;
- about 5,000 inspectors (inspectors.demo.seed_inspectors), more at county market regulation;
- N entities (entities.demo.seed_entities: COPY on PostgreSQL, GB/T 4754 divisions, A–D credit grades,
  the draw's ticket block ``Entity.draw_block`` computed on insertion), maintained by the most local
  market regulation bureau.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from jianguan.accounts.models import User
from jianguan.accounts.roles import Role
from jianguan.accounts.services import user_create
from jianguan.catalog.demo import ITEMS, DemoItem, create_published_item
from jianguan.catalog.models import InspectionItem, SupervisionDomain
from jianguan.demo.world import DEMO_PASSWORD
from jianguan.entities.demo import seed_entities
from jianguan.inspectors.demo import seed_inspectors
from jianguan.inspectors.models import Inspector
from jianguan.organizations.choices import DepartmentKind as K
from jianguan.organizations.models import Department, Region
from jianguan.organizations.services import department_create

SJ = "市场监管"
DRUGS = "药品监管"
DRUG_DOMAINS = {"drugs", "medical_devices", "cosmetics"}


@dataclass(frozen=True)
class Office:
    abbr: str  # department code suffix
    sector: str
    kind: str
    province: str  # name at province level (after the province name)
    city: str  # name at city and county level


SJ_OFFICE = Office("SJ", SJ, K.APPROVING, "市场监督管理局", "市场监督管理局")
SF_OFFICE = Office("SF", "司法行政", K.JUSTICE_BUREAU, "司法厅", "司法局")
PROVINCE_OFFICES = [
    SJ_OFFICE,
    Office("YP", DRUGS, K.APPROVING, "药品监督管理局", "药品监督管理局"),
    Office("HB", "生态环境", K.INDUSTRY_AUTHORITY, "生态环境厅", "生态环境局"),
    Office("YJ", "应急管理", K.INDUSTRY_AUTHORITY, "应急管理厅", "应急管理局"),
    Office("WJ", "卫生健康", K.INDUSTRY_AUTHORITY, "卫生健康委员会", "卫生健康委员会"),
    Office("JT", "交通运输", K.INDUSTRY_AUTHORITY, "交通运输厅", "交通运输局"),
    Office("NY", "农业农村", K.INDUSTRY_AUTHORITY, "农业农村厅", "农业农村局"),
    Office("WL", "文化旅游", K.INDUSTRY_AUTHORITY, "旅游和文化广电体育厅", "文化旅游广电体育局"),
    Office("SW", "商务", K.INDUSTRY_AUTHORITY, "商务厅", "商务局"),
    Office("XF", "消防救援", K.ENFORCEMENT, "消防救援总队", "消防救援支队"),
    SF_OFFICE,
    Office("YS", "营商环境", K.BUSINESS_ENV_OFFICE, "优化营商环境工作专班办公室", "优化营商环境工作专班办公室"),
    Office("LX", "联席会议", K.JOINT_MEETING_OFFICE, "“双随机、一公开”监管工作联席会议办公室",
           "“双随机、一公开”监管工作联席会议办公室"),
]
CITY_ABBRS = ("SJ", "HB", "YJ", "JT", "WJ", "SF", "YS", "LX")
COUNTY_ABBRS = ("SJ", "SF")
SUPERVISING = (K.APPROVING, K.INDUSTRY_AUTHORITY, K.ENFORCEMENT)
# Each level keeps its own item list (the same national entries): how many of its sector's entries.
CITY_SJ_ITEMS = 12
COUNTY_SJ_ITEMS = ("企业公示信息抽查", "个体工商户年度报告信息检查", "餐饮服务食品安全检查", "食品销售环节监督检查",
                   "价格行为检查", "计量器具使用单位检查")
# Share of the inspector total per department (weights): most inspect at county market regulation.
INSPECTOR_WEIGHTS = {(1, SJ): 6, (2, SJ): 5, (3, SJ): 4, (1, DRUGS): 4}
INSPECTOR_WEIGHT_OTHER = {1: 2, 2: 1.5}
ROLE_LOGINS = (("staff", Role.DIVISION_STAFF, "业务处室"), ("head", Role.DEPARTMENT_ADMIN, "处室负责人"),
               ("legal", Role.LEGAL_OFFICER, "政策法规处"))


def _current(qs: Any) -> Any:
    return qs.filter(valid_to__isnull=True, is_special=False)


def province_regions(code: str) -> tuple[Region, list[Region], list[Region]]:
    """The province, its cities (with departments) and its counties (with departments), from the snapshot."""
    province = Region.objects.get(code=code, level=1)
    prefix = province.prefix
    cities = [r for r in _current(Region.objects.filter(level=2, code__startswith=prefix)).order_by("code")
              if "直辖" not in r.name]
    counties = [r for r in _current(Region.objects.filter(level=3, code__startswith=prefix)).order_by("code")
                if r.name != "市辖区"]
    return province, cities, counties


def _county_name(county: Region, city: Region | None) -> str:
    """雨湖区 → 湘潭市雨湖区; counties and county-level cities (湘潭县, 湘乡市, 五指山市) keep their own name."""
    if city is not None and county.name.endswith("区"):
        return city.name + county.name
    return county.name


@dataclass(frozen=True)
class _Spec:
    code: str
    name: str
    level: int
    region: Region
    office: Office
    parent: str | None


def department_specs(province: Region, cities: list[Region], counties: list[Region]) -> list[_Spec]:
    offices = {o.abbr: o for o in PROVINCE_OFFICES}
    specs = [_Spec(f"{province.code}-{o.abbr}", province.name + o.province, 1, province, o, None)
             for o in PROVINCE_OFFICES]
    city_codes = {c.code for c in cities}
    for city in cities:
        for abbr in CITY_ABBRS:
            o = offices[abbr]
            specs.append(_Spec(f"{city.code}-{abbr}", city.name + o.city, 2, city, o, f"{province.code}-{abbr}"))
    by_code = {c.code: c for c in cities}
    for county in counties:
        parent_city = by_code.get(county.parent_id or "")
        upper = county.parent_id if county.parent_id in city_codes else province.code
        for abbr in COUNTY_ABBRS:
            o = offices[abbr]
            specs.append(_Spec(f"{county.code}-{abbr}", _county_name(county, parent_city) + o.city, 3, county, o,
                               f"{upper}-{abbr}"))
    return specs


def _departments(specs: list[_Spec], by: Any) -> dict[str, Department]:
    out = {d.code: d for d in Department.objects.filter(code__in=[s.code for s in specs])}
    for s in specs:
        if s.code not in out:
            out[s.code] = department_create(by=by, data={
                "code": s.code, "name": s.name, "level": s.level, "kind": s.office.kind, "sector": s.office.sector,
                "region": s.region, "parent": out.get(s.parent) if s.parent else None,
            })
    return out


def login_name(dept: Department, role: str) -> str:
    """``460100sj_staff``: the region code, the office and the role."""
    region, abbr = dept.code.split("-", 1)
    return f"{region}{abbr.lower()}_{role}"


def _logins(departments: list[Department], by: Any) -> int:
    wanted: list[tuple[str, str, str, Department]] = []
    for d in departments:
        if d.kind in SUPERVISING:
            wanted += [(login_name(d, r), role, label, d) for r, role, label in ROLE_LOGINS]
        elif d.kind == K.JUSTICE_BUREAU:
            wanted.append((login_name(d, "reviewer"), Role.JUSTICE_REVIEWER, "审查人员", d))
    taken = set(User.objects.filter(username__in=[w[0] for w in wanted]).values_list("username", flat=True))
    created = 0
    for username, role, label, dept in wanted:
        if username not in taken:
            user_create(by=by, username=username, password=DEMO_PASSWORD, role=role, department=dept,
                        display_name=f"{dept.short_name or dept.name}{label}", check_password=False)
            created += 1
    return created


def _item_specs(dept: Department) -> list[DemoItem]:
    if dept.sector == DRUGS:
        return [s for s in ITEMS if s.domain in DRUG_DOMAINS]
    specs = [s for s in ITEMS if s.sector == dept.sector and s.domain not in DRUG_DOMAINS]
    if dept.sector == SJ and dept.level == 2:
        return specs[:CITY_SJ_ITEMS]
    if dept.sector == SJ and dept.level == 3:
        return [s for s in specs if s.name in COUNTY_SJ_ITEMS]
    return specs


def _items(departments: list[Department], by: Any) -> list[InspectionItem]:
    """Each supervising department's published list, through the catalog services (idempotent by code)."""
    domains = {d.code: d for d in SupervisionDomain.objects.all()}
    existing = {i.code: i for i in InspectionItem.objects.filter(department__in=departments)}
    items: list[InspectionItem] = []
    for dept in departments:
        for n, spec in enumerate(_item_specs(dept), start=1):
            code = f"{dept.code}-CC-{n:03d}"
            if code in existing:
                items.append(existing[code])
                continue
            items.append(create_published_item(spec, dept, catalog_code=f"{dept.code}-ML-{n:03d}", item_code=code,
                                               domains=domains, by=by))
    return items


def _inspectors(departments: list[Department], total: int, seed: int) -> int:
    """Spread ``total`` inspectors over the supervising departments by weight (county market regulation most)."""
    weights = {d.pk: INSPECTOR_WEIGHTS.get((d.level, d.sector), INSPECTOR_WEIGHT_OTHER.get(d.level, 1))
               for d in departments}
    unit = total / sum(weights.values())
    groups: dict[int, list[Department]] = {}
    for d in departments:
        groups.setdefault(max(2, round(weights[d.pk] * unit)), []).append(d)
    for per_department, members in sorted(groups.items()):
        seed_inspectors(departments=members, per_department=per_department, seed=seed)
    return Inspector.objects.filter(department__in=departments).count()


def seed_province(
    *, province: str, entities: int, inspectors: int = 5000, seed: int = 0, by: Any = None,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Build the province (idempotent for departments, logins, items and inspectors; entities are added)."""
    region, cities, counties = province_regions(province)
    with transaction.atomic():
        by_code = _departments(department_specs(region, cities, counties), by)
    departments = sorted(by_code.values(), key=lambda d: (d.level, d.code))
    log(f"区划：{region.name}，{len(cities)} 个市、{len(counties)} 个县级区划；部门 {len(departments)} 个")
    logins = _logins(departments, by)
    supervising = [d for d in departments if d.kind in SUPERVISING]
    with transaction.atomic():
        items = _items(supervising, by)
    log(f"登录账号：新建 {logins} 个；检查事项：{len(items)} 项")
    n_inspectors = _inspectors(supervising, inspectors, seed)
    log(f"执法检查人员：{n_inspectors} 名")
    market = [d for d in departments if d.sector == SJ]

    def progress(n: int) -> None:
        log(f"  市场主体：已生成 {n}")

    created = seed_entities(count=entities, region_codes=[c.code for c in cities] + [c.code for c in counties],
                            departments=market, seed=seed, progress=progress if entities >= 100_000 else None)
    log(f"市场主体：{created} 户")
    return {"cities": len(cities), "counties": len(counties), "departments": len(departments),
            "items": len(items), "inspectors": n_inspectors, "entities": created}
