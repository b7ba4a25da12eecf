"""Reference data: the supervision domains (监管领域). Special key areas get full coverage [000][003]."""

from django.db import migrations

# (code, name, is_special_key_area)
DOMAINS = [
    ("market_registration", "登记注册", False),
    ("food_safety", "食品安全", True),
    ("drugs", "药品", True),
    ("medical_devices", "医疗器械", True),
    ("cosmetics", "化妆品", False),
    ("special_equipment", "特种设备", True),
    ("industrial_product_quality", "工业产品质量", False),
    ("metrology", "计量", False),
    ("advertising", "广告", False),
    ("pricing", "价格", False),
    ("intellectual_property", "知识产权", False),
    ("hazardous_chemicals", "危险化学品", True),
    ("work_safety", "安全生产", False),
    ("ecology_environment", "生态环境", False),
    ("fire_safety", "消防安全", False),
    ("transport", "交通运输", False),
    ("agriculture", "农业农村", False),
    ("culture_tourism", "文化旅游", False),
    ("health", "卫生健康", False),
    ("commerce", "商务流通", False),
    ("taxation", "税务", False),
    ("human_resources", "人力资源社会保障", False),
    ("housing_construction", "住房城乡建设", False),
    ("natural_resources", "自然资源", False),
    ("water_resources", "水利", False),
    ("education", "教育", False),
]


def seed(apps, schema_editor):
    SupervisionDomain = apps.get_model("catalog", "SupervisionDomain")
    for order, (code, name, special) in enumerate(DOMAINS, start=1):
        SupervisionDomain.objects.update_or_create(
            code=code, defaults={"name": name, "is_special_key_area": special, "sort_order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("catalog", "SupervisionDomain").objects.filter(code__in=[d[0] for d in DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
