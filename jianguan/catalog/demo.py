"""Demo catalog: about forty published inspection items modelled on real national and provincial lists.

Sources followed: 市场监管总局《全国市场监管部门随机抽查事项清单》, and the random-inspection item lists
published by the ecology-environment, emergency-management, health, transport, agriculture, culture-and-tourism,
fire-rescue and commerce departments. Kinds and ratios follow [000][003]: general 3–20%, key at least 20%,
special key areas (food, drugs, special equipment, hazardous chemicals) full coverage.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from jianguan.catalog import services
from jianguan.catalog.choices import ImplementingLevel, ItemKind
from jianguan.catalog.models import CatalogItem, InspectionItem, SupervisionDomain
from jianguan.organizations.models import Department

G, K, S = ItemKind.GENERAL, ItemKind.KEY, ItemKind.SPECIAL


@dataclass(frozen=True)
class DemoItem:
    sector: str
    name: str  # inspection item (随机抽查事项)
    catalog_name: str  # catalog item (监管事项)
    domain: str
    kind: str
    ratio: str | None
    methods: str
    supervised_object: str
    legal_basis: str
    times_per_year: int = 1
    measures: str = "现场检查、书面检查"
    result_handling: str = "责令限期改正；涉嫌违法的依法立案查处；结果记于企业名下并公示"
    inspector_requirement: str = "持有行政执法证件的执法人员"


SJ, HB, YJ, WJ, JT, NY, WL, XF, SW = "市场监管", "生态环境", "应急管理", "卫生健康", "交通运输", "农业农村", "文化旅游", "消防救援", "商务"

ITEMS: list[DemoItem] = [
    # 市场监管总局《全国市场监管部门随机抽查事项清单》
    DemoItem(SJ, "企业公示信息抽查", "对企业公示信息的监督检查", "market_registration", G, "5", "written,onsite,online",
             "各类企业", "《企业信息公示暂行条例》第十二条、第十三条", measures="书面检查、实地核查、网络监测",
             result_handling="列入经营异常名录；隐瞒真实情况、弄虚作假的依法处罚并公示"),
    DemoItem(SJ, "个体工商户年度报告信息检查", "对个体工商户年度报告信息的监督检查", "market_registration", G, "3",
             "written,onsite", "个体工商户", "《促进个体工商户发展条例》第二十八条、《个体工商户年度报告办法》",
             result_handling="标记为经营异常状态；依法处理"),
    DemoItem(SJ, "农民专业合作社年度报告公示信息检查", "对农民专业合作社年度报告公示信息的监督检查",
             "market_registration", G, "3", "written,onsite", "农民专业合作社",
             "《中华人民共和国农民专业合作社法》第七十一条、《农民专业合作社年度报告公示暂行办法》"),
    DemoItem(SJ, "食品生产环节监督检查", "对食品生产活动的监督检查", "food_safety", S, None, "onsite,sampling,records",
             "食品（含食品添加剂）生产者", "《中华人民共和国食品安全法》第一百一十条、《食品生产经营监督检查管理办法》",
             times_per_year=2, measures="现场检查、抽样检验、查阅复制有关资料",
             inspector_requirement="持有行政执法证件且具有食品检查员资格的执法人员"),
    DemoItem(SJ, "餐饮服务食品安全检查", "对餐饮服务活动的监督检查", "food_safety", K, "20", "onsite,sampling",
             "餐饮服务提供者（含单位食堂）", "《中华人民共和国食品安全法》第一百一十条、《餐饮服务食品安全操作规范》",
             inspector_requirement="持有行政执法证件且具有食品检查员资格的执法人员"),
    DemoItem(SJ, "食品销售环节监督检查", "对食品销售活动的监督检查", "food_safety", G, "5", "onsite,sampling",
             "食品销售者", "《中华人民共和国食品安全法》第一百一十条"),
    DemoItem(SJ, "特种设备生产单位监督检查", "对特种设备生产（含设计、制造、安装、改造、修理）单位的监督检查",
             "special_equipment", S, None, "onsite,records", "特种设备生产单位",
             "《中华人民共和国特种设备安全法》第五十七条、第六十一条",
             inspector_requirement="持有行政执法证件且取得特种设备安全监察员资格的人员"),
    DemoItem(SJ, "特种设备使用单位监督检查", "对特种设备使用单位的监督检查", "special_equipment", K, "30",
             "onsite,records", "特种设备使用单位（电梯、锅炉、压力容器、起重机械等）",
             "《中华人民共和国特种设备安全法》第五十七条、第六十一条",
             inspector_requirement="持有行政执法证件且取得特种设备安全监察员资格的人员"),
    DemoItem(SJ, "工业产品生产许可证获证企业检查", "对工业产品生产许可证获证企业的监督检查",
             "industrial_product_quality", K, "20", "onsite,sampling", "取得工业产品生产许可证的企业",
             "《中华人民共和国工业产品生产许可证管理条例》第三十八条、第三十九条"),
    DemoItem(SJ, "产品质量监督抽查", "对生产、销售的产品质量的监督抽查", "industrial_product_quality", G, "5",
             "sampling", "产品生产者、销售者", "《中华人民共和国产品质量法》第十五条、《产品质量监督抽查管理暂行办法》",
             measures="抽样检验", result_handling="责令整改；不合格产品依法处理并公布抽查结果"),
    DemoItem(SJ, "强制性产品认证获证产品检查", "对强制性产品认证（CCC）获证产品的监督检查",
             "industrial_product_quality", G, "5", "onsite,sampling", "CCC 获证产品的生产者、销售者",
             "《中华人民共和国认证认可条例》第五十五条、《强制性产品认证管理规定》"),
    DemoItem(SJ, "计量器具使用单位检查", "对强制检定计量器具使用情况的监督检查", "metrology", G, "5", "onsite,records",
             "使用强制检定工作计量器具的单位", "《中华人民共和国计量法》第九条、《中华人民共和国计量法实施细则》第十一条"),
    DemoItem(SJ, "定量包装商品净含量检查", "对定量包装商品净含量的监督检查", "metrology", G, "3", "sampling",
             "定量包装商品的生产者、销售者", "《定量包装商品计量监督管理办法》第十二条", measures="抽样检验"),
    DemoItem(SJ, "广告发布检查", "对广告发布行为的监督检查", "advertising", G, "5", "online,written",
             "广告主、广告经营者、广告发布者", "《中华人民共和国广告法》第四十九条", measures="网络监测、书面检查"),
    DemoItem(SJ, "价格行为检查", "对经营者价格行为的监督检查", "pricing", G, "5", "onsite,written",
             "经营者", "《中华人民共和国价格法》第三十四条、《明码标价和禁止价格欺诈规定》"),
    DemoItem(SJ, "药品经营企业监督检查", "对药品零售企业的监督检查", "drugs", S, None, "onsite,sampling,records",
             "药品零售企业", "《中华人民共和国药品管理法》第九十九条、《药品经营和使用质量监督管理办法》",
             inspector_requirement="持有行政执法证件且具有药品检查员资格的执法人员"),
    DemoItem(SJ, "医疗器械经营企业检查", "对医疗器械经营企业的监督检查", "medical_devices", K, "20",
             "onsite,records", "第二类、第三类医疗器械经营企业", "《医疗器械监督管理条例》第七十条"),
    DemoItem(SJ, "化妆品经营者检查", "对化妆品经营者的监督检查", "cosmetics", G, "5", "onsite,sampling",
             "化妆品经营者", "《化妆品监督管理条例》第四十六条"),
    DemoItem(SJ, "商标使用行为检查", "对商标使用行为的监督检查", "intellectual_property", G, "3", "onsite,written",
             "商标注册人、使用人", "《中华人民共和国商标法》第四十九条、第五十一条"),
    # 生态环境
    DemoItem(HB, "排污许可执行情况检查", "对排污单位排污许可证执行情况的监督检查", "ecology_environment", G, "5",
             "onsite,records,sampling", "实行排污许可管理的排污单位", "《排污许可管理条例》第二十八条",
             measures="现场检查、查阅台账、监测"),
    DemoItem(HB, "重点排污单位执法检查", "对重点排污单位污染物排放的监督检查", "ecology_environment", K, "25",
             "onsite,sampling,online", "环境监管重点单位", "《中华人民共和国环境保护法》第二十四条", times_per_year=2),
    DemoItem(HB, "建设项目环境影响评价及“三同时”检查", "对建设项目环境保护“三同时”的监督检查",
             "ecology_environment", G, "5", "onsite,records", "建设单位",
             "《建设项目环境保护管理条例》第十九条、第二十二条"),
    DemoItem(HB, "危险废物规范化环境管理检查", "对危险废物产生和经营单位的监督检查", "ecology_environment", K, "20",
             "onsite,records", "危险废物产生单位、经营单位", "《中华人民共和国固体废物污染环境防治法》第二十九条"),
    # 应急管理
    DemoItem(YJ, "工贸企业安全生产检查", "对生产经营单位安全生产的监督检查", "work_safety", G, "10", "onsite,records",
             "冶金、有色、建材、机械、轻工、纺织、烟草、商贸等工贸企业", "《中华人民共和国安全生产法》第六十五条"),
    DemoItem(YJ, "危险化学品经营单位检查", "对危险化学品经营单位的监督检查", "hazardous_chemicals", S, None,
             "onsite,records", "危险化学品经营单位", "《危险化学品安全管理条例》第六条、第七条", times_per_year=2),
    DemoItem(YJ, "危险化学品生产企业安全生产检查", "对危险化学品生产企业安全生产条件的监督检查",
             "hazardous_chemicals", K, "50", "onsite,records", "危险化学品生产企业",
             "《危险化学品安全管理条例》第十三条、《危险化学品生产企业安全生产许可证实施办法》"),
    DemoItem(YJ, "烟花爆竹经营单位检查", "对烟花爆竹经营单位的监督检查", "work_safety", K, "20", "onsite",
             "烟花爆竹批发、零售经营单位", "《烟花爆竹安全管理条例》第三十七条"),
    # 卫生健康
    DemoItem(WJ, "公共场所卫生监督检查", "对公共场所卫生的监督检查", "health", G, "10", "onsite,sampling",
             "住宿、沐浴、美容美发、游泳等公共场所经营者", "《公共场所卫生管理条例》第十条、《公共场所卫生管理条例实施细则》"),
    DemoItem(WJ, "生活饮用水卫生监督检查", "对集中式供水单位的卫生监督检查", "health", K, "20", "onsite,sampling",
             "集中式供水单位、二次供水单位", "《生活饮用水卫生监督管理办法》第十六条"),
    DemoItem(WJ, "医疗机构依法执业检查", "对医疗机构执业活动的监督检查", "health", G, "5", "onsite,records",
             "医疗机构", "《医疗机构管理条例》第四十条"),
    # 交通运输
    DemoItem(JT, "道路运输企业检查", "对道路运输经营者的监督检查", "transport", G, "5", "onsite,records",
             "道路旅客运输、普通货物运输经营者", "《中华人民共和国道路运输条例》第五十八条"),
    DemoItem(JT, "危险货物道路运输企业检查", "对危险货物道路运输企业的监督检查", "transport", K, "30",
             "onsite,records", "危险货物道路运输企业", "《危险货物道路运输安全管理办法》第六十二条"),
    DemoItem(JT, "机动车维修经营者检查", "对机动车维修经营者的监督检查", "transport", G, "3", "onsite",
             "机动车维修经营者", "《机动车维修管理规定》第四十六条"),
    # 农业农村
    DemoItem(NY, "农药经营检查", "对农药经营者的监督检查", "agriculture", G, "5", "onsite,sampling",
             "农药经营者", "《农药管理条例》第四十一条"),
    DemoItem(NY, "兽药经营企业检查", "对兽药经营企业的监督检查", "agriculture", G, "5", "onsite,sampling",
             "兽药经营企业", "《兽药管理条例》第四十五条"),
    DemoItem(NY, "种子生产经营检查", "对农作物种子生产经营者的监督检查", "agriculture", G, "5", "onsite,sampling",
             "农作物种子生产经营者", "《中华人民共和国种子法》第五十条"),
    # 文化和旅游
    DemoItem(WL, "旅行社经营检查", "对旅行社经营活动的监督检查", "culture_tourism", G, "5", "onsite,written",
             "旅行社及其分社、服务网点", "《旅行社条例》第四十一条、《中华人民共和国旅游法》第八十三条"),
    DemoItem(WL, "娱乐场所经营检查", "对娱乐场所经营活动的监督检查", "culture_tourism", G, "5", "onsite",
             "歌舞、游艺娱乐场所", "《娱乐场所管理条例》第三十四条"),
    DemoItem(WL, "互联网上网服务营业场所检查", "对互联网上网服务营业场所的监督检查", "culture_tourism", G, "5",
             "onsite,online", "互联网上网服务营业场所经营单位", "《互联网上网服务营业场所管理条例》第四条"),
    # 消防救援
    DemoItem(XF, "消防安全检查", "对社会单位遵守消防法律法规情况的监督检查", "fire_safety", G, "5", "onsite",
             "机关、团体、企业、事业等单位", "《中华人民共和国消防法》第五十三条、《消防监督检查规定》"),
    DemoItem(XF, "消防安全重点单位检查", "对消防安全重点单位的监督检查", "fire_safety", K, "25", "onsite,records",
             "消防安全重点单位", "《中华人民共和国消防法》第十七条、第五十三条", times_per_year=2),
    # 商务
    DemoItem(SW, "单用途预付卡检查", "对单用途商业预付卡发卡企业的监督检查", "commerce", G, "5", "written,onsite",
             "零售、住宿和餐饮、居民服务业发卡企业", "《单用途商业预付卡管理办法（试行）》第三十一条"),
    DemoItem(SW, "再生资源回收经营者检查", "对再生资源回收经营者的监督检查", "commerce", G, "3", "onsite",
             "再生资源回收经营者", "《再生资源回收管理办法》第十五条"),
    DemoItem(SW, "报废机动车回收拆解企业检查", "对报废机动车回收拆解企业的监督检查", "commerce", K, "20",
             "onsite,records", "报废机动车回收拆解企业", "《报废机动车回收管理办法》第二十条"),
]

LEVELS = {1: ImplementingLevel.PROVINCE, 2: ImplementingLevel.CITY, 3: ImplementingLevel.COUNTY}


def create_published_item(
    spec: DemoItem, dept: Department, *, catalog_code: str, item_code: str,
    domains: dict[str, SupervisionDomain], by: Any = None,
) -> InspectionItem:
    """One demo entry as the department's catalog item (reused if its code exists) and published inspection item,
    through the catalog services."""
    catalog = CatalogItem.objects.filter(code=catalog_code).first() or services.catalog_item_create(by=by, data={
        "department": dept, "code": catalog_code, "name": spec.catalog_name, "domain": domains[spec.domain],
        "supervised_object": spec.supervised_object, "measures": spec.measures, "legal_basis": spec.legal_basis,
        "result_handling": spec.result_handling, "implementing_level": LEVELS.get(dept.level, "city"),
    })
    item = services.inspection_item_create(by=by, data={
        "department": dept, "code": item_code, "catalog_item": catalog, "name": spec.name,
        "domain": domains[spec.domain], "kind": spec.kind,
        "default_ratio_pct": Decimal(spec.ratio) if spec.ratio is not None else None,
        "frequency": f"每年{spec.times_per_year}次", "times_per_year": spec.times_per_year,
        "methods": spec.methods, "object_scope": f"辖区内{spec.supervised_object}",
        "inspection_basis": spec.legal_basis, "min_inspectors": 2,
        "inspector_requirement": spec.inspector_requirement,
    })
    return services.inspection_item_publish(item, by=by)


@transaction.atomic
def seed_catalog(*, departments_by_sector: dict[str, Department], by: Any = None) -> list[InspectionItem]:
    """Create the demo catalog and published inspection item list for the sectors given (idempotent by code)."""
    domains = {d.code: d for d in SupervisionDomain.objects.all()}
    counters: dict[str, int] = {}
    items: list[InspectionItem] = []
    for spec in ITEMS:
        dept = departments_by_sector.get(spec.sector)
        if dept is None:
            continue
        n = counters[spec.sector] = counters.get(spec.sector, 0) + 1
        catalog_code, item_code = f"{dept.code}-ML-{n:03d}", f"{dept.code}-CC-{n:03d}"
        existing = InspectionItem.objects.filter(code=item_code).first()
        if existing is not None:
            items.append(existing)
            continue
        items.append(create_published_item(spec, dept, catalog_code=catalog_code, item_code=item_code,
                                           domains=domains, by=by))
    return items
