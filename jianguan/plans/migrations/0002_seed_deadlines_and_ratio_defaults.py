"""Reference data: plan due dates per jurisdiction and default sampling ratios per item kind and credit grade.

Due dates (the longest matching region prefix wins; "" is the national default):
- annual plans by 31 January [000] (Xiangtan: 各级行政执法机关应于每年1月31日前上报行政执法检查年度计划);
- joint plans by 20 February [003] (Changchun: 部门联合抽查计划在每年2月20日前报政策法规处汇总);
- Changchun (prefix 2201) takes the department plans not in a joint plan ("the rest") by 20 March [003].
Temporary inspections have no yearly due date: they are applied for 7 days ahead instead [003].

Ratios (percent) are credit-differentiated [000][001][003]: better grades fewer checks; every value lies
inside its kind's bounds (catalog.rules: general 3–20, key ≥ 20).
"""

from decimal import Decimal

from django.db import migrations

DEADLINES = [
    ("", "annual", 1, 31, "[000] 每年1月31日前向联席会议办公室及优化营商环境部门上报行政执法检查年度计划"),
    ("", "joint", 2, 20, "[003] 部门联合抽查计划每年2月20日前报送"),
    ("2201", "annual", 3, 20, "[003] 长春：未进入部门联合抽查计划的清单，抽查计划于每年3月20日前报送"),
]

RATIOS = {
    "general": {"A": "3", "B": "5", "C": "10", "D": "20", "U": "5"},
    "key": {"A": "20", "B": "25", "C": "35", "D": "50", "U": "25"},
}


def seed(apps, schema_editor):
    Rule = apps.get_model("plans", "PlanDeadlineRule")
    for prefix, kind, month, day, source in DEADLINES:
        Rule.objects.update_or_create(region_prefix=prefix, kind=kind,
                                      defaults={"month": month, "day": day, "source": source})
    Default = apps.get_model("plans", "GradeRatioDefault")
    for kind, grades in RATIOS.items():
        for grade, ratio in grades.items():
            Default.objects.update_or_create(item_kind=kind, grade=grade, defaults={"ratio_pct": Decimal(ratio)})


def unseed(apps, schema_editor):
    apps.get_model("plans", "PlanDeadlineRule").objects.all().delete()
    apps.get_model("plans", "GradeRatioDefault").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_plans_and_tasks")]

    operations = [migrations.RunPython(seed, unseed)]
