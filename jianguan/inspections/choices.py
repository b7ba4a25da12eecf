"""Choices of the inspections app: visit, record and disposal states, team roles, delivery methods."""

from __future__ import annotations

from django.db import models


class VisitStatus(models.TextChoices):
    """Life of a visit; the allowed transitions are data in workflow.py."""

    SCHEDULED = "scheduled", "待告知"
    NOTIFIED = "notified", "已送达告知书"
    IN_PROGRESS = "in_progress", "检查中"
    RECORDED = "recorded", "已录入待审核"
    RETURNED = "returned", "已退回修改"
    REVIEWED = "reviewed", "已审核"
    CANCELLED = "cancelled", "已取消"


# Visits that are still open (the inspection or its entry has not been finished).
OPEN_VISIT_STATUSES = (VisitStatus.SCHEDULED, VisitStatus.NOTIFIED, VisitStatus.IN_PROGRESS, VisitStatus.RETURNED)


class TeamRole(models.TextChoices):
    """Role of an inspector in a visit's team (检查组)."""

    LEADER = "leader", "组长"
    MEMBER = "member", "组员"


class DeliveryMethod(models.TextChoices):
    """How a notice reached the entity (送达方式)."""

    ON_SITE = "on_site", "直接送达"
    POST = "post", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"


class RecordStatus(models.TextChoices):
    """State of one inspection record: editable until the division head approves it."""

    ENTERED = "entered", "已录入"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已审核"


class ReviewDecision(models.TextChoices):
    APPROVE = "approve", "审核通过"
    RETURN = "return", "退回修改"


class EvidenceKind(models.TextChoices):
    """Kind of an evidence attachment; each kind has its own size limit (rules.EVIDENCE_TYPES)."""

    PHOTO = "photo", "照片"
    VIDEO = "video", "视频"
    DOCUMENT = "document", "文档"


class LawEducationMethod(models.TextChoices):
    """How the inspection standards were sent to the objects (谁执法谁普法 [003])."""

    TRAINING = "training", "普法培训"
    FORM = "form", "表单宣传（发放检查标准）"
    ONLINE = "online", "网上发布"


class DisposalKind(models.TextChoices):
    """Follow-up disposal (后续处置) of a record's findings [003][004]."""

    NONE = "none", "无需处置"
    RECTIFY = "rectify", "责令整改"
    REFER = "refer", "移送主管部门（双告知）"
    CASE_LEAD = "case_lead", "移交案件线索"
    CRIMINAL = "criminal", "移送司法机关"


class DisposalStatus(models.TextChoices):
    """Life of a disposal until it is closed."""

    OPEN = "open", "处置中"
    AWAITING_FEEDBACK = "awaiting_feedback", "待反馈"
    FEEDBACK_RECEIVED = "feedback_received", "已反馈"
    CLOSED = "closed", "已办结"


class DisposalEventKind(models.TextChoices):
    CREATED = "created", "登记处置"
    UPDATED = "updated", "修改"
    SENT = "sent", "已告知/移送"
    FEEDBACK = "feedback", "接收部门反馈"
    RECHECKED = "rechecked", "复查"
    CLOSED = "closed", "办结"
    REOPENED = "reopened", "重新处置"


class OverdueKind(models.TextChoices):
    """Why a visit or task appears on an overdue list (逾期清单)."""

    ENTRY_LATE = "entry_late", "未当日录入（宽限期内）"
    ENTRY_OVERDUE = "entry_overdue", "录入逾期"
    REVIEW_PENDING = "review_pending", "待审核"
    RESULTS_OVERDUE = "results_overdue", "结果公示逾期"
    CEILING_EXCEEDED = "ceiling_exceeded", "超过全国 20 个工作日上限"
