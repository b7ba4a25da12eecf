"""Choices of the catalog app: item kinds, publication states, implementing levels, inspection methods."""

from __future__ import annotations

from django.db import models


class ItemKind(models.TextChoices):
    """Kind of a random-inspection item; the kind decides the sampling-ratio bounds (see rules.py)."""

    KEY = "key", "重点检查事项"
    GENERAL = "general", "一般检查事项"
    SPECIAL = "special", "特殊重点领域"


class PublicationState(models.TextChoices):
    """Publication state of an inspection item (transitions in workflow.py)."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已公开"
    WITHDRAWN = "withdrawn", "已撤回"


class ImplementingLevel(models.TextChoices):
    """Level of government that carries out a catalog item (实施层级)."""

    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class InspectionMethod(models.TextChoices):
    """How an inspection is carried out (检查方式); an item may use several."""

    WRITTEN = "written", "书面检查"
    ONSITE = "onsite", "实地核查"
    ONLINE = "online", "网络监测"
    SAMPLING = "sampling", "抽样检测"
    INQUIRY = "inquiry", "询问调查"
    RECORDS = "records", "查阅资料"
    EXPERT = "expert", "委托专业机构"


# Short labels accepted on import for the item kind, next to the full choice labels.
KIND_ALIASES: dict[str, str] = {
    "重点": ItemKind.KEY,
    "重点检查事项": ItemKind.KEY,
    "key": ItemKind.KEY,
    "一般": ItemKind.GENERAL,
    "一般检查事项": ItemKind.GENERAL,
    "general": ItemKind.GENERAL,
    "特殊重点领域": ItemKind.SPECIAL,
    "特殊": ItemKind.SPECIAL,
    "special": ItemKind.SPECIAL,
}

KIND_SHORT_LABELS: dict[str, str] = {
    ItemKind.KEY: "重点",
    ItemKind.GENERAL: "一般",
    ItemKind.SPECIAL: "特殊重点领域",
}
