"""Demo inspectors: realistic names, certificate numbers and qualifications that match each department's sector."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from jianguan.accounts.models import User
from jianguan.accounts.roles import Role
from jianguan.catalog.models import SupervisionDomain
from jianguan.core import audit
from jianguan.inspectors.choices import InspectorCategory, VersionAction
from jianguan.inspectors.models import Inspector, InspectorVersion
from jianguan.inspectors.services import inspector_state
from jianguan.organizations.models import Department, Region

# Common surnames (Hunan-weighted: 刘 李 王 陈 张 彭 谭 曾 lead there) and given-name characters.
SURNAMES = "刘李王陈张周彭谭曾罗唐胡邓黄肖杨赵吴徐孙朱郭何高林郑梁谢宋许韩冯曹袁邹龙贺廖蒋易文石向颜汤邱左龚段"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉萍红建国文辉力斌宇浩凯鹏俊婷雪琳晨欣怡佳思慧颖志海波峰亮鑫湘岳衡"
# Province abbreviations (简称) used as the prefix of enforcement certificate numbers.
PROVINCE_ABBR = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑", "31": "沪",
    "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫", "42": "鄂", "43": "湘",
    "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵", "53": "云", "54": "藏", "61": "陕",
    "62": "甘", "63": "青", "64": "宁", "65": "新",
}
# Department sector -> the supervision domains (catalog codes) its inspectors are qualified for.
SECTOR_DOMAINS = {
    "市场监管": ["food_safety", "industrial_product_quality", "special_equipment", "advertising", "pricing",
             "market_registration", "metrology", "intellectual_property"],
    "药品监管": ["drugs", "medical_devices", "cosmetics"],
    "生态环境": ["ecology_environment"],
    "应急管理": ["work_safety", "hazardous_chemicals"],
    "消防救援": ["fire_safety"],
    "交通运输": ["transport"],
    "商务": ["commerce"],
    "农业农村": ["agriculture"],
    "文化旅游": ["culture_tourism"],
    "卫生健康": ["health"],
    "住房城乡建设": ["housing_construction"],
    "自然资源": ["natural_resources"],
    "水利": ["water_resources"],
    "教育": ["education"],
    "税务": ["taxation"],
    "人力资源社会保障": ["human_resources"],
}
CATEGORY_WEIGHTS = (
    (InspectorCategory.CIVIL_SERVANT, 55), (InspectorCategory.QUALIFIED_STAFF, 35),
    (InspectorCategory.DAILY_SUPERVISION, 10),
)


def person_name(rng: random.Random) -> str:
    """Surname + one or two given-name characters."""
    surname = "欧阳" if rng.random() < 0.01 else rng.choice(SURNAMES)
    return surname + "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.35 else 2))


def certificate_prefix(department: Department) -> str:
    """'湘4303': province abbreviation plus the first four digits of the department's region code."""
    return PROVINCE_ABBR.get(department.region_id[:2], "") + department.region_id[:4]


def domains_for(department: Department, domains: dict[str, SupervisionDomain]) -> list[SupervisionDomain]:
    codes = SECTOR_DOMAINS.get(department.sector, [])
    found = [domains[c] for c in codes if c in domains]
    if not found:
        # An unmapped sector: the domain named like the sector, if any.
        found = [d for d in domains.values() if d.name == department.sector]
    return found


@transaction.atomic
def seed_inspectors(*, departments: list[Department], per_department: int, seed: int = 0) -> list[Inspector]:
    """Fill each department's directory up to per_department inspectors (idempotent: existing ones count)."""
    domains = {d.code: d for d in SupervisionDomain.objects.filter(is_active=True)}
    today = timezone.localdate()
    taken = set(Inspector.objects.values_list("certificate_no", flat=True))
    result: list[Inspector] = []
    created = 0
    for department in departments:
        rng = random.Random(f"inspectors-{seed}-{department.code}")
        existing = list(Inspector.objects.filter(department=department).order_by("pk")[:per_department])
        result.extend(existing)
        sector_domains = domains_for(department, domains)
        counties = list(Region.objects.filter(parent_id=department.region_id).exclude(name="市辖区"))
        # Logins with the inspector role become the first inspectors of their department.
        logins = list(User.objects.filter(department=department, role=Role.INSPECTOR, inspector_profile__isnull=True))
        for _ in range(per_department - len(existing)):
            login = logins.pop(0) if logins else None
            number = ""
            while not number or number in taken:
                number = f"{certificate_prefix(department)}{rng.randrange(10**6):06d}"
            taken.add(number)
            expires: dt.date | None = today + dt.timedelta(days=rng.randint(60, 5 * 365))
            roll = rng.random()
            if roll < 0.03:
                expires = today - dt.timedelta(days=rng.randint(1, 200))  # a few lapsed certificates
            elif roll < 0.08:
                expires = None
            region = department.region
            if counties and rng.random() < 0.3:
                region = rng.choice(counties)
            inspector = Inspector.objects.create(
                department=department, name=(login.display_name if login and login.display_name else person_name(rng)),
                category=rng.choices([c for c, _ in CATEGORY_WEIGHTS], [w for _, w in CATEGORY_WEIGHTS])[0],
                certificate_no=number, certificate_expires_on=expires, region=region, user=login,
                phone=f"1{rng.choice('35789')}{rng.randrange(10**9):09d}",
            )
            if sector_domains:
                k = rng.randint(1, min(4, len(sector_domains)))
                inspector.qualifications.set(rng.sample(sector_domains, k))
            InspectorVersion.objects.create(
                inspector=inspector, version=1, action=VersionAction.CREATED, changed_at=timezone.now(),
                changes={k: [None, v] for k, v in inspector_state(inspector).items()},
            )
            result.append(inspector)
            created += 1
    if created:
        audit.record(actor=None, action="inspectors.seeded", target_type="inspectors.inspector",
                     after={"created": created, "departments": len(departments), "seed": seed})
    return result
