"""Pages of plans, their review and their tasks: thin wrappers around selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from jianguan.core.exceptions import DomainError, NotPermitted
from jianguan.core.scoping import ADD, CHANGE, ensure_can, ensure_can_edit
from jianguan.core.views import Col, FormPage, ImportPage, ListPage, ScopedPage, display
from jianguan.entities.choices import EntityKind, EntityStatus
from jianguan.plans import selectors, services
from jianguan.plans.choices import GRADE_RATIO_FIELDS, Grade, PlanStatus, TaskStatus
from jianguan.plans.forms import (
    AttachmentForm,
    PlanAmendForm,
    PlanFilter,
    PlanForm,
    ReviewForm,
    TaskFilter,
    TaskForm,
    plan_initial,
)
from jianguan.plans.models import Plan, PlanAttachment, PlanVersion, Task
from jianguan.plans.tables import PlanTableSpec
from jianguan.plans.workflow import can_task_transition

LATE_BADGE = mark_safe('<span class="badge D">逾期</span>')  # constant markup
OVERDUE_BADGE = mark_safe('<span class="badge C">已过截止日期未报</span>')  # constant markup
AUDIT_LABELS = {
    "plan.created": "创建", "plan.updated": "修改", "plan.submitted": "提交审核", "plan.legal_checked": "法规处审核通过",
    "plan.legal_returned": "法规处退回", "plan.justice_approved": "司法局审核通过", "plan.justice_returned": "司法局退回",
    "plan.reopened": "转为草稿", "plan.published": "公开", "plan.started": "开始实施", "plan.closed": "结束",
    "plan.amended": "提交计划变更", "plan.attachment_added": "上传附件", "plan.attachment_removed": "移除附件",
    "task.created": "创建", "task.updated": "修改", "task.ready": "提交待抽取", "task.reopened": "退回草稿",
    "task.drawn": "已抽取", "task.started": "开始检查", "task.completed": "完成", "permission.denied": "越权操作被拒绝",
    "access.denied": "越权访问被拒绝",
}


def _labels(model: Any) -> dict[str, str]:
    labels = {"items": "检查事项", "participants": "参与部门", "version": "版本", "version_status": "版本状态",
              "comments": "意见", "reason": "变更理由", "sent_to": "报送部门", "name": "名称"}
    for f in model._meta.concrete_fields:
        labels[f.attname] = labels[f.name] = str(f.verbose_name)
    return labels


def _changes(labels: dict[str, str], before: Any, after: Any) -> str:
    """An audit event's before/after as 「字段：旧 → 新」 text."""
    if not isinstance(after, dict):
        return "" if after is None else str(after)
    old = before if isinstance(before, dict) else {}
    parts = []
    for key, value in after.items():
        if key in ("id", "created_at", "updated_at", "status_changed_at"):
            continue
        text = f"{display(old[key])} → {display(value)}" if key in old else f"{display(value)}"
        parts.append(f"{labels.get(key, key)}：{text}")
    return "；".join(parts)


def _history(label: str, pk: Any) -> list[dict[str, Any]]:
    labels = _labels(Task if label == "plans.task" else Plan)
    return [
        {"at": e.occurred_at, "actor": e.actor_username, "action": AUDIT_LABELS.get(e.action, e.action),
         "changes": _changes(labels, e.before, e.after)}
        for e in selectors.record_history(label, pk)
    ]


def _run(request: HttpRequest, fn: Callable[[], Any], success: str) -> bool:
    """Call one service; business refusals (409/422) become a message on the page; 403/404 propagate."""
    try:
        fn()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _plan(request: HttpRequest, pk: Any) -> Plan:
    return selectors.plan_get(user=request.user, pk=pk)


# ---------------------------------------------------------------- plans


class PlanList(ListPage):
    title = "抽查计划"
    model = Plan
    filter_form = PlanFilter
    table_spec = PlanTableSpec
    detail_url = "plans:plan-detail"
    create_url = "plans:plan-create"
    import_url = "plans:plan-import"
    columns = (
        Col("计划名称", lambda p: p.title, link=True),
        Col("年度", lambda p: p.year),
        Col("类型", lambda p: p.get_kind_display()),
        Col("牵头部门", lambda p: p.department.name),
        Col("状态", lambda p: p.get_status_display() + ("（变更审核中）" if p.pending_version_id and p.is_in_force else "")),
        Col("报送截止", lambda p: p.due_on),
        Col("逾期报送", lambda p: LATE_BADGE if p.is_late else (OVERDUE_BADGE if p.is_overdue else "")),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.plan_list(user=request.user, filters=filters).prefetch_related(
            "items", "participants__department", "participants__items"
        )


class PlanImport(ImportPage):
    title = "导入抽查计划（草稿）"
    spec_name = "plans"
    model = Plan
    back_url = "plans:plan-list"


class PlanDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        plan = selectors.plan_detail_prefetch(_plan(request, pk))
        perms = selectors.plan_permissions(plan, request.user)
        pending = plan.pending_version
        fields = [
            ("计划类型", plan.get_kind_display()), ("年度", plan.year), ("牵头部门", plan.department.name),
            ("状态", plan.get_status_display()),
            ("计划期间", f"{plan.planned_start_on:%Y-%m-%d} 至 {plan.planned_end_on:%Y-%m-%d}"),
            ("计划内容", plan.description), ("检查依据", plan.legal_basis),
            ("报送截止日期", display(plan.due_on)),
            ("逾期报送", "是" if plan.is_late else ("已过截止日期尚未报送" if plan.is_overdue else "否")),
            ("首次提交", display(plan.first_submitted_at)), ("审核通过", display(plan.approved_at)),
            ("公开", display(plan.published_at)),
            ("现行版本", f"第 {plan.current_version.number} 版" if plan.current_version else "—"),
            ("审核中的版本", f"第 {pending.number} 版（{pending.get_status_display()}）" if pending else "—"),
        ]
        return render(request, "plans/plan_detail.html", {
            "title": plan.title, "object": plan, "plan": plan, "fields": fields, "perms": perms,
            "participants": plan.participants.all(), "items": plan.items.all(),
            "attachments": selectors.plan_attachments(plan), "versions": selectors.plan_versions(plan),
            "events": selectors.plan_events(plan), "distributions": plan.distributions.select_related("department"),
            "tasks": selectors.task_list(user=request.user, filters={"plan": plan.pk}),
            "review_form": ReviewForm() if perms.can_legal_check or perms.can_justice_review else None,
            "attachment_form": AttachmentForm() if perms.can_upload else None,
            "edit_url": reverse("plans:plan-edit", args=[plan.pk]) if perms.can_edit else None,
            "history": _history("plans.plan", plan.pk),
        })


class PlanEdit(FormPage):
    title = "抽查计划"
    form_class = PlanForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        if pk is None:
            ensure_can(request.user, ADD, Plan)
            return None
        plan = _plan(request, pk)
        ensure_can_edit(plan, request.user, CHANGE)
        return plan

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        lead = obj.department if obj is not None else getattr(request.user, "department", None)
        return PlanForm(data, initial=plan_initial(obj) if obj is not None else None, lead=lead)

    def save(self, request: HttpRequest, obj: Plan | None, data: dict[str, Any]) -> Plan:
        payload = PlanForm.service_data(data)
        if obj is None:
            return services.plan_create(by=request.user, data=payload)
        return services.plan_update(obj, by=request.user, data=payload)

    def success_url(self, obj: Plan) -> str:
        return reverse("plans:plan-detail", args=[obj.pk])


class PlanAmend(FormPage):
    title = "计划变更"
    form_class = PlanAmendForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        plan = _plan(request, pk)
        ensure_can_edit(plan, request.user, selectors.SUBMIT)
        return plan

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return PlanAmendForm(data, initial=plan_initial(obj), lead=obj.department)

    def save(self, request: HttpRequest, obj: Plan, data: dict[str, Any]) -> Plan:
        reason = data.pop("reason", "")
        services.plan_amend(obj, by=request.user, data=PlanForm.service_data(data), reason=reason)
        messages.success(request, "计划变更已提交审核；审核通过前原计划继续有效")
        return obj

    def success_url(self, obj: Plan) -> str:
        return reverse("plans:plan-detail", args=[obj.pk])


PLAN_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "submit": (services.plan_submit, "计划已提交，等待法规处审核"),
    "return-to-draft": (services.plan_return_to_draft, "计划已转为草稿，可修改后重新提交"),
    "publish": (services.plan_publish, "计划已公开"),
    "close": (services.plan_close, "计划已结束"),
}


class PlanAction(ScopedPage):
    """POST-only: one workflow step of a plan."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
        if action not in PLAN_ACTIONS:
            raise Http404("未知的操作")
        plan = _plan(request, pk)
        fn, success = PLAN_ACTIONS[action]
        _run(request, lambda: fn(plan, by=request.user), success)
        return redirect("plans:plan-detail", pk=plan.pk)


class PlanReview(ScopedPage):
    """POST-only: the legal affairs office's check or the justice bureau's review (approve or return)."""

    def post(self, request: HttpRequest, pk: int, stage: str) -> HttpResponseBase:
        plan = _plan(request, pk)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请选择审核结论")
            return redirect("plans:plan-detail", pk=plan.pk)
        approve = form.cleaned_data["decision"] == "approve"
        comments = form.cleaned_data["comments"]
        if stage == "legal":
            fn: Callable[..., Any] = services.plan_legal_check
        elif stage == "justice":
            fn = services.plan_justice_review
        else:
            raise Http404("未知的审核环节")
        ok = _run(request, lambda: fn(plan, by=request.user, approve=approve, comments=comments),
                  "审核通过" if approve else "计划已退回")
        if ok and request.POST.get("next") == "inbox":
            return redirect("plans:review-inbox")
        return redirect("plans:plan-detail", pk=plan.pk)


class PlanVersionDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        plan = _plan(request, pk)
        version = PlanVersion.objects.filter(plan=plan, number=number).select_related("created_by").first()
        if version is None:
            raise Http404("未找到该版本")
        return render(request, "plans/version_detail.html", {
            "title": f"{plan.title} · 第 {version.number} 版", "plan": plan, "version": version,
            "snapshot": version.snapshot, "events": version.events.select_related("actor").order_by("occurred_at"),
        })


class AttachmentUpload(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        plan = _plan(request, pk)
        form = AttachmentForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "请选择要上传的文件")
        else:
            _run(request, lambda: services.plan_attachment_add(plan, by=request.user, upload=form.cleaned_data["file"]),
                 "附件已上传")
        return redirect("plans:plan-detail", pk=plan.pk)


class AttachmentDownload(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        attachment = PlanAttachment.objects.select_related("plan").filter(pk=pk).first()
        if attachment is None:
            raise Http404("未找到该附件")
        _plan(request, attachment.plan_id)  # 404 unless the plan is visible
        return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type or "application/octet-stream")


class AttachmentRemove(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        attachment = PlanAttachment.objects.select_related("plan").filter(pk=pk, removed_at__isnull=True).first()
        if attachment is None:
            raise Http404("未找到该附件")
        plan = _plan(request, attachment.plan_id)
        _run(request, lambda: services.plan_attachment_remove(attachment, by=request.user), "附件已移除")
        return redirect("plans:plan-detail", pk=plan.pk)


class ReviewInbox(ScopedPage):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "plans/review_inbox.html", {
            "title": "计划审查", "may_review": selectors.may_review(request.user),
            "legal": selectors.legal_inbox(request.user), "justice": selectors.justice_inbox(request.user),
            "review_form": ReviewForm(),
        })


class ParticipantItems(ScopedPage):
    """htmx: the participants' item checkboxes for the chosen participating departments."""

    def get(self, request: HttpRequest) -> HttpResponse:
        lead = getattr(request.user, "department", None)
        form = PlanForm(initial={"participants": request.GET.getlist("participants"),
                                 "participant_items": request.GET.getlist("participant_items")}, lead=lead)
        return HttpResponse(str(form["participant_items"]))


# ---------------------------------------------------------------- tasks


class TaskList(ListPage):
    title = "抽查任务"
    model = Task
    filter_form = TaskFilter
    detail_url = "plans:task-detail"
    columns = (
        Col("任务名称", lambda t: t.name, link=True),
        Col("抽查计划", lambda t: t.plan.title),
        Col("实施部门", lambda t: t.department.name),
        Col("检查时间", lambda t: f"{t.window_start_on:%Y-%m-%d} 至 {t.window_end_on:%Y-%m-%d}"),
        Col("全覆盖", lambda t: t.is_full_coverage),
        Col("状态", lambda t: t.get_status_display()),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.task_list(user=request.user, filters=filters)


def _task_fields(task: Task) -> list[tuple[str, Any]]:
    def listed(values: list[str], empty: str = "不限") -> str:
        return "、".join(values) if values else empty

    ratios: list[tuple[str, Any]] = [
        (f"{Grade(g).label}抽查比例", "全覆盖" if task.is_full_coverage else f"{task.ratio_for(g)}%")
        for g in GRADE_RATIO_FIELDS
    ]
    return [
        ("抽查计划", task.plan.title), ("实施部门", task.department.name), ("状态", task.get_status_display()),
        ("检查事项", "；".join(f"{i.code} {i.name}" for i in task.items.all())),
        ("全覆盖检查", "是（特殊重点领域，不抽取）" if task.is_full_coverage else "否"),
        ("区划范围", listed(task.region_prefixes, task.department.jurisdiction_prefix)),
        ("行业", listed(task.industry_codes)),
        ("主体类型", listed([str(EntityKind(k).label) if k in EntityKind.values else k for k in task.entity_kinds])),
        ("标签", listed(task.tag_codes)),
        ("登记状态", listed([str(EntityStatus(s).label) if s in EntityStatus.values else s
                              for s in task.entity_statuses])),
        ("许可证类型", listed(task.licence_kinds)), *ratios,
        ("检查时间", f"{task.window_start_on:%Y-%m-%d} 至 {task.window_end_on:%Y-%m-%d}"),
        ("每组最少人数", task.min_team_size), ("每名检查人员最多检查户数", task.max_visits_per_inspector),
        ("联合检查每部门至少一人", "是" if task.has_inspector_per_department else "否"),
    ]


class TaskDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = selectors.task_get(user=request.user, pk=pk)
        can_edit = selectors.task_may_edit(task, request.user)
        return render(request, "plans/task_detail.html", {
            "title": task.name, "task": task, "fields": _task_fields(task),
            "edit_url": reverse("plans:task-edit", args=[task.pk]) if can_edit and task.status == TaskStatus.DRAFT
            else None,
            "can_mark_ready": can_edit and can_task_transition(task.status, TaskStatus.READY),
            "can_reopen": can_edit and can_task_transition(task.status, TaskStatus.DRAFT),
            "plan_url": reverse("plans:plan-detail", args=[task.plan_id]),
            "population_count": selectors.task_entities(task).count(),
            "history": _history("plans.task", task.pk),
        })


class TaskEdit(FormPage):
    title = "抽查任务"
    form_class = TaskForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        task = selectors.task_get(user=request.user, pk=pk)
        ensure_can_edit(task, request.user, CHANGE)
        return task

    def make_form(self, request: HttpRequest, obj: Task, data: Any = None) -> Any:
        initial = {k: getattr(obj, k) for k in services.TASK_FIELDS}
        for key in ("region_prefixes", "industry_codes", "tag_codes", "licence_kinds"):
            initial[key] = ", ".join(initial[key])
        initial["items"] = [i.pk for i in obj.items.all()]
        return TaskForm(data, initial=initial, plan=obj.plan, departments=[obj.department], editing=True)

    def save(self, request: HttpRequest, obj: Task, data: dict[str, Any]) -> Task:
        return services.task_update(obj, by=request.user, data=TaskForm.service_data(data))

    def success_url(self, obj: Task) -> str:
        return reverse("plans:task-detail", args=[obj.pk])


class TaskCreate(FormPage):
    title = "新建抽查任务"
    form_class = TaskForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        plan = _plan(request, pk)
        ensure_can(request.user, ADD, Task)
        if not selectors.task_departments_for(plan, request.user):
            raise NotPermitted("只有计划的牵头部门和参与部门可以建立抽查任务")
        return plan

    def make_form(self, request: HttpRequest, obj: Plan, data: Any = None) -> Any:
        return TaskForm(data, plan=obj, departments=selectors.task_departments_for(obj, request.user))

    def get(self, request: HttpRequest, pk: Any | None = None) -> HttpResponseBase:
        plan = self.get_object(request, pk)
        if plan.status not in (PlanStatus.APPROVED, PlanStatus.PUBLISHED, PlanStatus.IN_PROGRESS):
            messages.error(request, f"计划当前为「{plan.get_status_display()}」，只有审核通过的计划才能建立抽查任务（计划外无检查）")
            return redirect("plans:plan-detail", pk=plan.pk)
        return self._render(request, self.make_form(request, plan), plan)

    def save(self, request: HttpRequest, obj: Plan, data: dict[str, Any]) -> Task:
        return services.task_create(by=request.user, data=TaskForm.service_data(data) | {"plan": obj})

    def success_url(self, obj: Task) -> str:
        return reverse("plans:task-detail", args=[obj.pk])


TASK_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "mark-ready": (services.task_mark_ready, "任务已确认，等待抽取"),
    "reopen": (services.task_reopen, "任务已退回草稿"),
}


class TaskAction(ScopedPage):
    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
        if action not in TASK_ACTIONS:
            raise Http404("未知的操作")
        task = selectors.task_get(user=request.user, pk=pk)
        fn, success = TASK_ACTIONS[action]
        _run(request, lambda: fn(task, by=request.user), success)
        return redirect("plans:task-detail", pk=task.pk)

