"""Choices of the disclosure app (一公开): publication states, withholding grounds, inspection types, objections."""

from __future__ import annotations

from django.db import models


class PublicationStatus(models.TextChoices):
    """Publication is the rule, secrecy the exception [000][002][003]."""

    PUBLISHED = "published", "已公示"
    WITHHELD = "withheld", "依法不予公开"


class WithholdReason(models.TextChoices):
    """The legal grounds on which a result (or a draw snapshot) is not published [000][002][003]."""

    STATE_SECRET = "state_secret", "涉及国家秘密"
    TRADE_SECRET = "trade_secret", "涉及商业秘密"
    PERSONAL_PRIVACY = "personal_privacy", "涉及个人隐私"


class InspectionType(models.TextChoices):
    """检查类型 as the national enterprise credit publicity system shows it."""

    RANDOM = "random", "双随机抽查"
    JOINT = "joint", "部门联合抽查"
    SPECIAL = "special", "专项检查"
    TEMPORARY = "temporary", "临时性检查"


class ObjectionStatus(models.TextChoices):
    """An objection waits for review, then is accepted (the result is corrected) or rejected with reasons."""

    PENDING = "pending", "待处理"
    ACCEPTED = "accepted", "异议成立，已更正"
    REJECTED = "rejected", "异议不成立"


REVIEWED_OBJECTION_STATUSES = (ObjectionStatus.ACCEPTED, ObjectionStatus.REJECTED)
