"""Choices of the plans app: plan kinds and states, version states, event kinds, task states, credit grades."""

from __future__ import annotations

from django.db import models


class PlanKind(models.TextChoices):
    """Kind of an inspection plan (抽查计划)."""

    ANNUAL = "annual", "年度计划"
    JOINT = "joint", "部门联合抽查计划"
    TEMPORARY = "temporary", "临时性检查"


class PlanStatus(models.TextChoices):
    """Life of a plan; the allowed transitions are data in workflow.py."""

    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    LEGAL_CHECKED = "legal_checked", "法规处已审核"
    APPROVED = "approved", "司法局已审核通过"
    RETURNED = "returned", "已退回"
    PUBLISHED = "published", "已公开"
    IN_PROGRESS = "in_progress", "实施中"
    CLOSED = "closed", "已结束"


class VersionStatus(models.TextChoices):
    """State of one submitted version of a plan's content (the first submission or an amendment)."""

    SUBMITTED = "submitted", "待法规处审核"
    LEGAL_CHECKED = "legal_checked", "待司法局审核"
    APPROVED = "approved", "现行有效"
    RETURNED = "returned", "已退回"
    SUPERSEDED = "superseded", "已被新版本替代"


class PlanEventKind(models.TextChoices):
    """What happened to a plan (one PlanEvent row each)."""

    CREATED = "created", "创建"
    SUBMITTED = "submitted", "提交审核"
    LEGAL_APPROVED = "legal_approved", "法规处审核通过"
    LEGAL_RETURNED = "legal_returned", "法规处退回"
    JUSTICE_APPROVED = "justice_approved", "司法局审核通过"
    JUSTICE_RETURNED = "justice_returned", "司法局退回"
    REOPENED = "reopened", "退回后转为草稿"
    PUBLISHED = "published", "公开"
    STARTED = "started", "开始实施"
    CLOSED = "closed", "结束"
    AMENDED = "amended", "提交计划变更"


class TaskStatus(models.TextChoices):
    """Life of an inspection task (抽查任务); the draw app moves it past 'ready'."""

    DRAFT = "draft", "草稿"
    READY = "ready", "待抽取"
    DRAWN = "drawn", "已抽取"
    IN_PROGRESS = "in_progress", "检查中"
    COMPLETED = "completed", "已完成"


class Grade(models.TextChoices):
    """Credit risk grade of an entity as the draw sees it; U stands for unrated (no grade)."""

    A = "A", "A 类（低风险）"
    B = "B", "B 类（一般风险）"
    C = "C", "C 类（较高风险）"
    D = "D", "D 类（高风险）"
    U = "U", "未评级"


# Task fields holding the ratio of each grade, in grade order.
GRADE_RATIO_FIELDS: dict[str, str] = {
    Grade.A: "ratio_a_pct",
    Grade.B: "ratio_b_pct",
    Grade.C: "ratio_c_pct",
    Grade.D: "ratio_d_pct",
    Grade.U: "ratio_u_pct",
}
