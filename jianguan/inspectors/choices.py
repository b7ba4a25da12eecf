"""Choices of the inspector directory (执法检查人员名录库)."""

from django.db import models


class InspectorCategory(models.TextChoices):
    """The three sub-directories the directory is kept in [003] 二(四)."""

    CIVIL_SERVANT = "civil_servant", "行政执法类公务员"
    QUALIFIED_STAFF = "qualified_staff", "具有执法资格的工作人员"
    DAILY_SUPERVISION = "daily_supervision", "从事日常监管的工作人员"


class VersionAction(models.TextChoices):
    """What produced an inspector version."""

    CREATED = "created", "新增"
    UPDATED = "updated", "修改"
    DEACTIVATED = "deactivated", "移出名录"
    REACTIVATED = "reactivated", "恢复"
    IMPORTED = "imported", "导入"
