"""Seeding realistic demo entities in bulk: a million in a few minutes, deterministic for a seed.

Rows are generated in Python and written in batches: PostgreSQL through COPY (psycopg), other
databases through executemany. Related rows (competent department, history, tags, food licences)
are then derived in SQL with INSERT … SELECT, never row by row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jianguan.entities.bulk import insert_rows
from jianguan.entities.choices import EntityKind, EntityStatus, VersionAction
from jianguan.entities.models import Entity, EntityVersion, Industry, Licence, Tag, draw_block_for
from jianguan.entities.uscc import generate_uscc
from jianguan.organizations.models import Department, Region

BATCH = 5000

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
COMPOUND = ("欧阳", "司马", "诸葛", "上官")
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
         "霞", "平", "刚", "桂英", "建国", "建华", "志强", "海燕", "红梅", "小红", "文", "斌", "辉", "宇", "浩",
         "鹏", "晨", "婷", "雪", "琳", "俊", "峰", "湘", "湘云", "韶华", "立新", "国平", "德明", "春花", "秋菊")
BRANDS = ("恒信", "鑫源", "华泰", "宏达", "金穗", "湘韵", "莲城", "韶峰", "顺发", "兴旺", "瑞丰", "博远", "隆盛",
          "长青", "天成", "锦程", "盛世", "众诚", "汇通", "安达", "永昌", "嘉禾", "益民", "新科", "远航", "润泽",
          "昭山", "楚湘", "盘龙", "鼎盛", "佳美", "福临", "和畅", "百川", "中联", "星火", "晟丰", "凯瑞", "青竹",
          "同心", "万家", "银杏", "湘江", "红枫", "聚宝", "弘毅", "德润", "科达", "富民", "诚信")
# Division -> (share in the mix, enterprise words, individual-business shop words)
INDUSTRY_MIX: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "52": (0.26, ("商贸", "超市", "百货", "医药连锁"), ("便利店", "商行", "副食店", "五金店", "服装店", "药店")),
    "51": (0.10, ("贸易", "物资", "建材贸易", "农产品贸易"), ("批发部", "经营部")),
    "62": (0.11, ("餐饮管理", "餐饮服务"), ("米粉店", "餐馆", "小吃店", "快餐店", "饭店", "烧烤店")),
    "61": (0.02, ("酒店管理", "宾馆"), ("旅馆", "民宿")),
    "72": (0.07, ("企业管理咨询", "广告", "人力资源服务", "物业管理"), ("广告部", "家政服务部")),
    "80": (0.05, ("家政服务", "美容美发"), ("理发店", "洗衣店", "美容院")),
    "81": (0.03, ("汽车维修", "电器维修"), ("汽车修理厂", "手机维修店")),
    "47": (0.02, ("建设", "建筑工程"), ("建筑队",)),
    "50": (0.03, ("装饰工程", "装修设计"), ("装饰部",)),
    "13": (0.02, ("粮油", "食品加工"), ("米厂", "榨油坊")),
    "14": (0.02, ("食品", "槟榔"), ("糕点坊", "豆制品作坊")),
    "15": (0.01, ("酒业", "茶业"), ("酒坊",)),
    "26": (0.01, ("化工",), ()),
    "33": (0.02, ("金属制品", "钢结构"), ("铁艺加工部",)),
    "34": (0.02, ("机械制造", "电机"), ()),
    "38": (0.02, ("电气", "电缆"), ()),
    "39": (0.01, ("电子科技",), ()),
    "65": (0.03, ("信息技术", "软件开发", "网络科技"), ("电脑服务部",)),
    "74": (0.02, ("工程技术", "检测技术"), ()),
    "75": (0.02, ("科技", "技术推广"), ()),
    "70": (0.02, ("房地产开发", "房地产经纪"), ("房产中介",)),
    "54": (0.03, ("物流", "运输", "客运"), ("货运部",)),
    "01": (0.03, ("农业开发", "种植"), ("种植场",)),
    "03": (0.02, ("养殖", "畜牧"), ("养殖场",)),
    "83": (0.01, ("教育咨询", "培训学校"), ()),
    "84": (0.01, ("医疗管理", "诊所"), ("诊所",)),
    "88": (0.01, ("文化传媒", "文化艺术"), ()),
    "90": (0.01, ("娱乐", "文化娱乐"), ("棋牌室", "网吧")),
}
COOP_WORDS = ("水稻种植", "生猪养殖", "湘莲种植", "蔬菜种植", "茶叶种植", "水产养殖", "农机服务", "油茶种植")
ROADS = ("建设北路", "雨湖路", "韶山中路", "基建营路", "河东大道", "芙蓉中路", "车站路", "人民路", "解放南路",
         "湘潭大道", "白石路", "书院路", "岳塘路", "宝塔路", "南岭路", "建设南路", "滴水路", "和平路")
GRADES = (("A", 0.30), ("B", 0.50), ("C", 0.15), ("D", 0.05))
STATUSES = ((EntityStatus.OPERATING, 0.92), (EntityStatus.CLOSED, 0.03), (EntityStatus.REVOKED, 0.02),
            (EntityStatus.CANCELLED, 0.02), (EntityStatus.MOVED_OUT, 0.01))
KINDS = ((EntityKind.INDIVIDUAL_BUSINESS, 0.58), (EntityKind.ENTERPRISE, 0.37),
         (EntityKind.FARMER_COOPERATIVE, 0.03), (EntityKind.OTHER, 0.02))
KIND_CODES = {EntityKind.ENTERPRISE: ("9", "1"), EntityKind.INDIVIDUAL_BUSINESS: ("9", "2"),
              EntityKind.FARMER_COOPERATIVE: ("9", "3"), EntityKind.OTHER: ("Y", "1")}
# Tags and licences derived from the industry after the rows are in.
INDUSTRY_TAGS = {"食品生产": ("13", "14", "15"), "食品经营": ("62",), "危险化学品": ("26",), "建筑施工": ("47", "50")}
FOOD_LICENCE = "食品经营许可证"

ENTITY_COLUMNS = (
    "created_at", "updated_at", "uscc", "name", "kind", "industry_id", "section", "region_id", "address",
    "legal_representative", "registered_on", "status", "credit_grade", "credit_grade_source", "credit_grade_on",
    "department_id", "is_active", "draw_block", "version",
)


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    x = rng.random()
    for value, share in weighted:
        x -= share
        if x < 0:
            return value
    return weighted[-1][0]


def _person(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND) if rng.random() < 0.01 else rng.choice(SURNAMES)
    return surname + rng.choice(GIVEN)


def _place_name(region: Region) -> str:
    """湘潭市雨湖区 for districts, 湘潭县 / 湘乡市 for counties and county-level cities, 湘潭市 for the city."""
    chain = []
    node: Region | None = region
    while node is not None:
        chain.append(node)
        node = node.parent
    names = [n.name for n in reversed(chain[:-1]) if n.name != "市辖区"]  # without the province
    if len(names) >= 2 and region.name.endswith(("县", "市")):
        return region.name
    return "".join(names) or region.name


def _maintainer(code: str, departments: Sequence[Department]) -> Department:
    """The most local department whose jurisdiction contains the region (county before city)."""
    inside = [d for d in departments if code.startswith(d.jurisdiction_prefix)]
    if not inside:
        return departments[0]
    return max(inside, key=lambda d: (d.level, len(d.jurisdiction_prefix)))


def _rows(
    rng: random.Random, n: int, regions: list[Region], maintainers: dict[str, int], industries: dict[str, str],
    seen: set[str], today: dt.date, now: dt.datetime,
) -> list[tuple[Any, ...]]:
    places = {r.code: _place_name(r) for r in regions}
    addresses = {r.code: r.full_name for r in regions}
    mix = [(code, share) for code, (share, _, _) in INDUSTRY_MIX.items()]
    total = sum(s for _, s in mix)
    mix = [(c, s / total) for c, s in mix]
    # Districts hold more entities than the city-level registration office.
    region_weights = [(r, 0.3 if r.code.endswith("00") else 1.0) for r in regions]
    wsum = sum(w for _, w in region_weights)
    region_weights = [(r, w / wsum) for r, w in region_weights]
    start = dt.date(1995, 1, 1).toordinal()
    span = today.toordinal() - start
    rows = []
    for _ in range(n):
        region = _pick(rng, region_weights)
        kind = _pick(rng, KINDS)
        division = _pick(rng, mix)
        _, company_words, shop_words = INDUSTRY_MIX[division]
        place = places[region.code]
        brand = rng.choice(BRANDS)
        if kind == EntityKind.FARMER_COOPERATIVE:
            division = rng.choice(("01", "03"))
            name = f"{place}{brand}{rng.choice(COOP_WORDS)}专业合作社"
        elif kind == EntityKind.INDIVIDUAL_BUSINESS and shop_words:
            owner = rng.choice(SURNAMES)
            name = f"{place}{rng.choice((brand, owner + '记', owner + '氏', brand))}{rng.choice(shop_words)}"
        elif kind == EntityKind.OTHER:
            name = f"{place}{brand}{rng.choice(company_words)}有限公司{rng.choice(('分公司', '经营部', '门店'))}"
        else:
            kind = EntityKind.ENTERPRISE  # also for industries without shop-style individual businesses
            form = rng.choice(("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司"))
            name = f"{place}{brand}{rng.choice(company_words)}{form}"
        registration, kcode = KIND_CODES[kind]
        while True:
            uscc = generate_uscc(rng, region.code, registration, kcode)
            if uscc not in seen:
                seen.add(uscc)
                break
        registered_on = dt.date.fromordinal(start + int(rng.random() ** 0.7 * span))
        grade = _pick(rng, GRADES)
        graded_on = dt.date.fromordinal(max(registered_on.toordinal(), today.toordinal() - rng.randrange(1, 400)))
        rows.append((
            now, now, uscc, name[:200], kind, division, industries[division], region.code,
            f"{addresses[region.code]}{rng.choice(ROADS)}{rng.randrange(1, 600)}号",
            _person(rng), registered_on, _pick(rng, STATUSES), grade, "企业信用风险分类管理系统", graded_on,
            maintainers[region.code], True, draw_block_for(uscc), 1,
        ))
    return rows


def _write(rows: list[tuple[Any, ...]]) -> None:
    """COPY on PostgreSQL, executemany elsewhere (jianguan.entities.bulk)."""
    insert_rows(Entity, ENTITY_COLUMNS, rows)


def _derive_related(first_id: int, last_id: int) -> None:
    """Competent department, the first history version, industry tags and food licences, in SQL.

    Table names come from model metadata and every value is a bound parameter (hence the noqa: S608).
    """
    ent = Entity._meta.db_table
    through_d = Entity.competent_departments.through._meta.db_table
    through_t = Entity.tags.through._meta.db_table
    versions = EntityVersion._meta.db_table
    licences = Licence._meta.db_table
    changes = '{"before": {}, "after": {"seeded": true}}'
    json_cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    bounds = [first_id, last_id]
    in_range = f"FROM {ent} WHERE id BETWEEN %s AND %s"
    competent_sql = f"INSERT INTO {through_d} (entity_id, department_id) SELECT id, department_id {in_range}"
    version_sql = (f"INSERT INTO {versions} (entity_id, version, changed_at, changed_by_id, action, changes) "
                   f"SELECT id, 1, created_at, NULL, %s, {json_cast} {in_range}")
    tag_sql = f"INSERT INTO {through_t} (entity_id, tag_id) SELECT id, %s {in_range} AND industry_id IN "
    licence_sql = (f"INSERT INTO {licences} (entity_id, kind, number, issued_on, expires_on) "
                   f"SELECT id, %s, 'JY' || substr(uscc, 3, 6) || substr(uscc, 11, 7), registered_on, NULL "
                   f"{in_range} AND industry_id = '62'")
    with connection.cursor() as cur:
        cur.execute(competent_sql, bounds)
        cur.execute(version_sql, [VersionAction.CREATED.value, changes, *bounds])
        for code, divisions in INDUSTRY_TAGS.items():
            tag, _ = Tag.objects.get_or_create(code=code, defaults={"name": code})
            marks = ", ".join(["%s"] * len(divisions))
            cur.execute(f"{tag_sql}({marks})", [tag.pk, *bounds, *divisions])
        cur.execute(licence_sql, [FOOD_LICENCE, *bounds])


def seed_entities(
    *,
    count: int,
    region_codes: list[str],
    departments: list[Department],
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Insert `count` realistic entities spread over the regions, each maintained by the most local department."""
    if count <= 0:
        return 0
    if not departments:
        raise ValueError("seed_entities 需要至少一个部门")
    rng = random.Random(f"jianguan-entities-{seed}")
    regions = list(Region.objects.filter(code__in=region_codes).select_related("parent__parent").order_by("code"))
    if not regions:
        raise ValueError(f"区划代码不存在：{region_codes}")
    maintainers = {r.code: _maintainer(r.code, departments).pk for r in regions}
    industries = dict(Industry.objects.filter(level="division").values_list("code", "section"))
    seen: set[str] = set()
    if Entity.objects.exists():
        seen.update(Entity.objects.values_list("uscc", flat=True).iterator(chunk_size=20000))
    today = timezone.localdate()
    now = timezone.now()
    done = 0
    with transaction.atomic():
        first_id = (Entity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        while done < count:
            n = min(BATCH, count - done)
            _write(_rows(rng, n, regions, maintainers, industries, seen, today, now))
            done += n
            if progress is not None:
                progress(done)
        last_id = Entity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        _derive_related(first_id, last_id)
    return done
