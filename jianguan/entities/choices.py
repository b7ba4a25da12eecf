"""Choices of the market-entity directory (检查对象名录库)."""

from django.db import models


class EntityKind(models.TextChoices):
    """主体类型."""

    ENTERPRISE = "enterprise", "企业"
    INDIVIDUAL_BUSINESS = "individual_business", "个体工商户"
    FARMER_COOPERATIVE = "farmer_cooperative", "农民专业合作社"
    OTHER = "other", "其他"


class EntityStatus(models.TextChoices):
    """登记状态."""

    OPERATING = "operating", "存续（在营）"
    CLOSED = "closed", "停业"
    REVOKED = "revoked", "吊销"
    CANCELLED = "cancelled", "注销"
    MOVED_OUT = "moved_out", "迁出"


class CreditGrade(models.TextChoices):
    """信用风险分类: A low risk … D high risk; no grade = 未评级."""

    A = "A", "A 类（低风险）"
    B = "B", "B 类（一般风险）"
    C = "C", "C 类（较高风险）"
    D = "D", "D 类（高风险）"


class IndustryLevel(models.TextChoices):
    """GB/T 4754-2017 level: 门类 (letter) or 大类 (two digits)."""

    SECTION = "section", "门类"
    DIVISION = "division", "大类"


class VersionAction(models.TextChoices):
    """What produced an entity version."""

    CREATED = "created", "新增"
    UPDATED = "updated", "修改"
    DEACTIVATED = "deactivated", "移出名录"
    IMPORTED = "imported", "导入"
