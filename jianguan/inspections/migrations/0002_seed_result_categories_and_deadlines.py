"""Reference data: the national random-inspection result categories and the default deadline rule.

Result categories: the results that the national enterprise credit information publicity system
(国家企业信用信息公示系统) shows for a random inspection ("抽查检查结果"). The first five come from the
rules on checking enterprises' public information (《企业公示信息抽查暂行办法》, SAIC Order No. 67 of
2014, now 《企业公示信息抽查办法》 as revised by SAMR Order No. 101 of 2025); the others were added when
"double random" inspection was extended to every supervision item (原工商总局《工商行政管理部门随机抽查
工作细则》 2017 and the SAMR result-entry specification of the 公示系统). Codes are stable and never
reused; wordings seen in older data are kept as aliases. See docs/apps/inspections.md.
"""

from django.db import migrations

CATEGORIES = [
    # code, canonical label, aliases (older wordings), is_problem, description
    ("no_problem", "未发现问题", ["正常", "未发现问题的", "检查未发现问题"], False,
     "检查事项均符合规定。"),
    ("not_publicised", "未按规定公示应当公示的信息", ["未按规定公示信息", "未按规定公示应公示的信息"], True,
     "企业未按《企业信息公示暂行条例》规定公示年度报告或即时信息。"),
    ("false_publicity", "公示信息隐瞒真实情况、弄虚作假",
     ["公示信息隐瞒真实情况弄虚作假", "隐瞒真实情况、弄虚作假"], True,
     "公示信息与实际情况不符，隐瞒真实情况或弄虚作假。"),
    ("unreachable", "通过登记的住所（经营场所）无法联系",
     ["通过登记的住所或者经营场所无法联系", "通过登记的住所无法联系", "无法联系"], True,
     "依法将列入经营异常名录。"),
    ("non_cooperation_serious", "不配合检查情节严重", ["不予配合情节严重", "拒不配合检查情节严重"], True,
     "阻挠、拒绝检查，情节严重。"),
    ("rectified", "发现问题已责令改正", ["经责令已改正", "发现问题已责令整改", "发现问题已整改"], True,
     "检查中发现问题，已当场或限期责令改正。"),
    ("pending_follow_up", "发现问题待后续处理", ["发现问题待处理", "待后续处理"], True,
     "发现问题，需要立案查处、移送或双告知等后续处理。"),
    ("no_relevant_activity", "未发现开展本次抽查涉及的经营活动",
     ["未发现开展本次抽查涉及的经营活动的", "未开展相关经营活动"], False,
     "检查对象未从事本次检查事项涉及的经营活动。"),
    ("closed_or_liquidating", "已关闭停业或正在组织清算", ["已关闭停业", "正在组织清算", "停业清算"], False,
     "检查对象已停止经营或处于清算程序。"),
    ("non_cooperation", "不配合检查", ["不予配合", "拒不配合检查"], True,
     "不配合检查，但尚未达到情节严重。"),
    ("deregistered", "已注销", ["企业已注销", "检查对象已注销"], False,
     "检查时已办理注销登记。"),
    ("licence_revoked", "已吊销营业执照", ["被吊销营业执照", "已被吊销营业执照"], False,
     "检查时营业执照已被吊销。"),
    ("moved_out", "已迁出", ["企业已迁出", "已迁出本辖区"], False,
     "检查时已迁出本登记机关辖区。"),
]


def seed(apps, schema_editor):
    ResultCategory = apps.get_model("inspections", "ResultCategory")
    DeadlineRule = apps.get_model("inspections", "DeadlineRule")
    for order, (code, label, aliases, is_problem, description) in enumerate(CATEGORIES, start=1):
        ResultCategory.objects.update_or_create(
            code=code,
            defaults={"label": label, "aliases": aliases, "is_problem": is_problem, "sort_order": order * 10,
                      "description": description, "is_active": True},
        )
    DeadlineRule.objects.update_or_create(
        region_prefix="",
        defaults={
            "entry_grace_working_days": 7, "publication_working_days": 7, "ceiling_working_days": 20,
            "notice_hours": 48, "law_education_months": 1,
            "source": "[003] 当日录入、特殊情况 7 个工作日内；任务结束后 7 个工作日内公示。"
                      "上限：《企业信息公示暂行条例》第六条、第十条（20 个工作日）",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("inspections", "DeadlineRule").objects.filter(region_prefix="").delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
