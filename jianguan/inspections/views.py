"""Pages of visits, records, review, notices, task status, overdue lists and disposals (thin: one selector or
one service per request; business refusals become messages or errors beside the field)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jianguan.core.exceptions import DomainError, ValidationFailed
from jianguan.core.scoping import ADD, CHANGE, ensure_can_edit, scope_of
from jianguan.core.views import Col, FormPage, ListPage, ScopedPage, display
from jianguan.draws.choices import DrawStatus
from jianguan.draws.models import Draw, JointRound
from jianguan.inspections import selectors, services, workflow
from jianguan.inspections.choices import VisitStatus
from jianguan.inspections.forms import (
    BatchReceiptForm,
    BatchReviewForm,
    BatchScheduleForm,
    DisposalForm,
    EvidenceForm,
    ExceptionForm,
    FeedbackForm,
    LawEducationForm,
    NoteForm,
    ReasonForm,
    ReceiptForm,
    RecheckForm,
    RecordForm,
    ResultsImportForm,
    ReviewForm,
    ScheduleForm,
    VisitFilter,
)
from jianguan.inspections.models import DeliveryReceipt, Disposal, Evidence, NoticeException, Visit
from jianguan.inspections.tables import VisitTableSpec

AUDIT_LABELS = {
    "visit.scheduled": "安排检查时间", "visit.route_ordered": "调整路线顺序", "visit.cancelled": "取消检查",
    "visit.started": "开始检查", "visit.notice_generated": "生成告知书", "visit.receipt_recorded": "登记送达回证",
    "visit.notice_exception_recorded": "登记告知时限例外", "visit.submitted": "提交审核", "visit.reviewed": "审核通过",
    "visit.returned": "退回修改", "inspection_record.created": "录入检查结果", "inspection_record.updated": "修改检查结果",
    "inspection_record.evidence_added": "上传证据", "permission.denied": "越权操作被拒绝",
    "disposal.created": "登记后续处置",
    "access.denied": "越权访问被拒绝",
}


def _run(request: HttpRequest, fn: Callable[[], Any], success: str) -> Any:
    """Call one service; business refusals (409/422) become a message on the page; 403/404 propagate."""
    try:
        result = fn()
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return None
    messages.success(request, success)
    return result


def _visit(request: HttpRequest, pk: Any) -> Visit:
    return selectors.visit_get(user=request.user, pk=pk)


def _history(visit: Visit) -> list[dict[str, Any]]:
    events = list(selectors.record_history("inspections.visit", visit.pk))
    record_ids = [str(pk) for pk in visit.records.values_list("pk", flat=True)]
    if record_ids:
        from jianguan.core.models import AuditEvent

        events += list(AuditEvent.objects.filter(target_type="inspections.inspectionrecord", target_id__in=record_ids))
    events.sort(key=lambda e: e.seq)
    rows = []
    for e in events:
        after = e.after if isinstance(e.after, dict) else {}
        summary = "；".join(f"{k}：{display(v)}" for k, v in after.items() if k not in ("visit_ids",))
        rows.append({"at": e.occurred_at, "actor": e.actor_username, "action": AUDIT_LABELS.get(e.action, e.action),
                     "changes": summary})
    return rows


# ---------------------------------------------------------------- visits


def _team_names(visit: Visit) -> str:
    return "、".join(m.inspector.name for m in visit.team_members.all())


class VisitList(ListPage):
    title = "检查"
    model = Visit
    filter_form = VisitFilter
    table_spec = VisitTableSpec
    detail_url = "inspections:visit-detail"
    columns = (
        Col("检查对象", lambda v: v.entity.name, link=True),
        Col("抽查任务", lambda v: v.task.name),
        Col("检查日期", lambda v: v.scheduled_on),
        Col("路线顺序", lambda v: v.route_order),
        Col("检查组", _team_names),
        Col("事项数", lambda v: len(v.items.all())),
        Col("状态", lambda v: v.get_status_display()),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.visit_list(user=request.user, filters=filters).prefetch_related(
            "items", "departments", "team_members__inspector")


class MyVisits(VisitList):
    """我的检查: the visits of the inspector's own teams."""

    title = "我的检查"

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return super().selector(request, {**filters, "mine": True})


class VisitDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        visit = _visit(request, pk)
        return render(request, "inspections/visit_detail.html", visit_context(request, visit))


def record_cards(request: HttpRequest, visit: Visit, perms: selectors.VisitPermissions,
                 forms_by_item: dict[int, RecordForm] | None = None) -> list[dict[str, Any]]:
    records = selectors.visit_records(visit)
    cards = []
    for item in visit.items.select_related("department").order_by("code"):
        record = records.get(item.pk)
        editable = perms.can_enter and (record is None or not record.is_locked)
        form = (forms_by_item or {}).get(item.pk)
        if form is None and editable:
            initial: dict[str, Any] = {"inspected_on": timezone.localdate(),
                                       "inspectors": [str(m.inspector_id) for m in visit.team_members.all()[:2]]}
            if record is not None:
                initial = {"result": record.result_id, "findings": record.findings,
                           "inspected_on": record.inspected_on, "late_reason": record.late_reason,
                           "inspectors": [str(i.pk) for i in record.inspectors.all()]}
            form = RecordForm(initial=initial, visit=visit, prefix=f"item{item.pk}")
        cards.append({"item": item, "record": record, "form": form if editable else None,
                      "evidence_form": EvidenceForm() if editable and record is not None else None})
    return cards


def visit_context(request: HttpRequest, visit: Visit, **extra: Any) -> dict[str, Any]:
    perms = selectors.visit_permissions(visit, request.user)
    fields = [
        ("检查对象", f"{visit.entity.name}（{visit.entity.uscc}）"), ("地址", visit.entity.address),
        ("抽查任务", visit.task.name), ("抽查计划", visit.task.plan.title), ("牵头部门", visit.department.name),
        ("参与检查部门", "、".join(d.name for d in visit.departments.order_by("code"))),
        ("检查方式", "部门联合检查（进一次门、查多项事）" if visit.departments.count() > 1 else "本部门检查"),
        ("检查时间", f"{visit.scheduled_on:%Y-%m-%d} {visit.start_time:%H:%M}" if visit.scheduled_on else "未安排"),
        ("当日路线顺序", display(visit.route_order)), ("状态", visit.get_status_display()),
        ("核验码", visit.verification_code), ("检查完成日期", display(visit.completed_on)),
        ("审核时间", display(visit.reviewed_at)),
    ]
    if visit.status == VisitStatus.CANCELLED:
        fields.append(("取消原因", visit.cancel_reason))
    return {
        "title": f"检查：{visit.entity.name}", "visit": visit, "fields": fields, "perms": perms,
        "team": selectors.visit_team(visit), "cards": record_cards(request, visit, perms, extra.pop("forms", None)),
        "notices": visit.notices.order_by("-version"), "receipts": visit.receipts.order_by("delivered_at"),
        "exception": NoticeException.objects.filter(visit=visit).select_related("approved_by").first(),
        "reviews": visit.reviews.select_related("decided_by").order_by("decided_at"),
        "disposals": selectors.disposal_list(user=request.user).filter(record__visit=visit),
        "receipt_form": ReceiptForm() if perms.can_receipt else None,
        "exception_form": ExceptionForm(visit=visit) if perms.can_exception else None,
        "review_form": ReviewForm() if perms.can_review else None,
        "cancel_form": ReasonForm() if perms.can_cancel else None,
        "disposal_form": DisposalForm() if perms.can_dispose else None,
        "history": _history(visit), **extra,
    }


class VisitSchedule(FormPage):
    title = "安排检查时间"
    form_class = ScheduleForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        visit = _visit(request, pk)
        ensure_can_edit(visit, request.user, CHANGE)
        return visit

    def initial(self, obj: Visit) -> dict[str, Any]:
        return {"scheduled_on": obj.scheduled_on, "start_time": obj.start_time, "route_order": obj.route_order}

    def save(self, request: HttpRequest, obj: Visit, data: dict[str, Any]) -> Visit:
        return services.visit_schedule(obj, by=request.user, scheduled_on=data["scheduled_on"],
                                       start_time=data.get("start_time"), route_order=data.get("route_order"))

    def success_url(self, obj: Visit) -> str:
        return reverse("inspections:visit-detail", args=[obj.pk])


VISIT_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "start": (services.visit_start, "检查已开始"),
    "submit": (services.visit_submit, "检查结果已提交审核"),
}


class VisitAction(ScopedPage):
    """POST-only: start the visit, or submit its records for review."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
        if action not in VISIT_ACTIONS:
            raise Http404("未知的操作")
        visit = _visit(request, pk)
        fn, success = VISIT_ACTIONS[action]
        _run(request, lambda: fn(visit, by=request.user), success)
        return redirect("inspections:visit-detail", pk=visit.pk)


class VisitCancel(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        visit = _visit(request, pk)
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        _run(request, lambda: services.visit_cancel(visit, by=request.user, reason=reason), "检查已取消")
        return redirect("inspections:visit-detail", pk=visit.pk)


class NoticeGenerate(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        visit = _visit(request, pk)
        _run(request, lambda: services.notice_generate(visit, by=request.user,
                                                       base_url=request.build_absolute_uri("/")), "告知书已生成")
        return redirect("inspections:visit-detail", pk=visit.pk)


class NoticeDownload(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        visit = _visit(request, pk)
        notice = visit.notices.order_by("-version").first()
        if notice is None:
            raise Http404("尚未生成告知书")
        return FileResponse(notice.file.open("rb"), as_attachment=True, filename=f"告知书-{notice.number}.pdf",
                            content_type="application/pdf")


class ReceiptCreate(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        visit = _visit(request, pk)
        form = ReceiptForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "送达回证：" + "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()
                                                        if k in form.fields))
        else:
            _run(request, lambda: services.receipt_record(visit, by=request.user, data=form.cleaned_data),
                 "送达回证已登记")
        return redirect("inspections:visit-detail", pk=visit.pk)


class ReceiptScan(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        receipt = DeliveryReceipt.objects.visible_to(request.user).filter(pk=pk).first()
        if receipt is None or not receipt.scan:
            raise Http404("未找到该扫描件")
        return FileResponse(receipt.scan.open("rb"), as_attachment=True, filename=receipt.scan_name)


class ExceptionCreate(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        visit = _visit(request, pk)
        form = ExceptionForm(request.POST, visit=visit)
        if not form.is_valid():
            messages.error(request, "告知时限例外：请填写理由并选择批准人")
        else:
            _run(request, lambda: services.notice_exception_record(
                visit, by=request.user, reason=form.cleaned_data["reason"],
                approved_by=form.cleaned_data["approved_by"]), "告知时限例外已登记")
        return redirect("inspections:visit-detail", pk=visit.pk)


class RecordSave(ScopedPage):
    """POST one item's record; with htmx only the item's card is returned (errors beside the fields)."""

    def post(self, request: HttpRequest, pk: int, item: int) -> HttpResponseBase:
        visit = _visit(request, pk)
        form = RecordForm(request.POST, visit=visit, prefix=f"item{item}")
        hx = bool(request.headers.get("HX-Request"))
        saved = False
        if form.is_valid():
            data = {**form.cleaned_data, "item": item, "result": form.cleaned_data["result"].code}
            try:
                services.record_save(visit, by=request.user, data=data)
                saved = True
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                placed = False
                for err in exc.errors:
                    if err.field in form.fields:
                        form.add_error(err.field, err.message)
                        placed = True
                if not placed:
                    form.add_error(None, exc.message)
        if not hx:
            if saved:
                messages.success(request, "检查结果已保存")
                return redirect("inspections:visit-detail", pk=visit.pk)
            return render(request, "inspections/visit_detail.html",
                          visit_context(request, visit, forms={item: form}), status=422)
        visit = _visit(request, pk)
        perms = selectors.visit_permissions(visit, request.user)
        cards = record_cards(request, visit, perms, None if saved else {item: form})
        card = next((c for c in cards if c["item"].pk == item), None)
        if card is None:
            raise Http404("该检查事项不在本次检查中")
        response = render(request, "inspections/_record_card.html", {"card": card, "visit": visit, "saved": saved,
                                                                     "perms": perms, "oob_submit": True},
                          status=200 if saved else 422)
        if saved:
            response["HX-Trigger"] = "record-saved"
        return response


class EvidenceUpload(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        record = selectors.record_get(user=request.user, pk=pk)
        form = EvidenceForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "请选择要上传的证据文件")
        else:
            _run(request, lambda: services.evidence_add(record, by=request.user, upload=form.cleaned_data["file"]),
                 "证据已上传")
        return redirect("inspections:visit-detail", pk=record.visit_id)


class EvidenceDownload(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        evidence = Evidence.objects.visible_to(request.user).filter(pk=pk).first()
        if evidence is None:
            raise Http404("未找到该证据")
        return FileResponse(evidence.file.open("rb"), filename=evidence.original_name,
                            content_type=evidence.content_type)


class VisitReviewPage(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        visit = _visit(request, pk)
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请选择审核结论")
        else:
            approve = form.cleaned_data["decision"] == "approve"
            _run(request, lambda: services.visit_review(visit, by=request.user, approve=approve,
                                                        comments=form.cleaned_data["comments"]),
                 "审核通过，检查记录已锁定" if approve else "已退回修改")
        return redirect("inspections:visit-detail", pk=visit.pk)


# ---------------------------------------------------------------- disposals


class DisposalCreate(ScopedPage):
    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        record = selectors.record_get(user=request.user, pk=pk)
        form = DisposalForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请完整填写后续处置")
        else:
            _run(request, lambda: services.disposal_create(record, by=request.user, data=form.cleaned_data),
                 "后续处置已登记")
        return redirect("inspections:visit-detail", pk=record.visit_id)


class DisposalList(ListPage):
    title = "后续处置"
    model = Disposal
    detail_url = "inspections:disposal-detail"
    columns = (
        Col("检查对象", lambda d: d.record.visit.entity.name, link=True),
        Col("检查事项", lambda d: d.record.item.name),
        Col("处置方式", lambda d: d.get_kind_display()),
        Col("状态", lambda d: d.get_status_display()),
        Col("整改期限", lambda d: d.due_on),
        Col("接收部门/单位", lambda d: d.target_department.name if d.target_department else d.target_name),
        Col("登记时间", lambda d: d.created_at),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.disposal_list(user=request.user, filters=filters)


class DisposalDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        disposal = selectors.disposal_get(user=request.user, pk=pk)
        fields = [
            ("检查对象", disposal.record.visit.entity.name), ("检查事项", disposal.record.item.name),
            ("检查结果", disposal.record.result.label), ("处置方式", disposal.get_kind_display()),
            ("状态", disposal.get_status_display()), ("处置内容", disposal.description),
            ("整改期限", display(disposal.due_on)), ("复查日期", display(disposal.recheck_on)),
            ("复查情况", disposal.recheck_findings),
            ("接收部门/单位", disposal.target_department.name if disposal.target_department else disposal.target_name),
            ("告知/移送时间", display(disposal.sent_at)), ("反馈意见", disposal.feedback),
            ("反馈时间", display(disposal.feedback_at)), ("办结时间", display(disposal.closed_at)),
            ("办结说明", disposal.close_note),
        ]
        return render(request, "inspections/disposal_detail.html", {
            "title": f"后续处置：{disposal.record.visit.entity.name}", "disposal": disposal, "fields": fields,
            "events": disposal.events.select_related("actor"), "visit_url": reverse(
                "inspections:visit-detail", args=[disposal.record.visit_id]),
            "feedback_form": FeedbackForm(), "recheck_form": RecheckForm(), "note_form": NoteForm(),
            "reason_form": ReasonForm(),
        })


class DisposalAction(ScopedPage):
    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
        disposal = selectors.disposal_get(user=request.user, pk=pk)
        post = request.POST
        steps: dict[str, tuple[Callable[[], Any], str]] = {
            "send": (lambda: services.disposal_send(disposal, by=request.user), "已登记告知/移送"),
            "feedback": (lambda: services.disposal_feedback(disposal, by=request.user, feedback=post.get("feedback", "")),
                         "反馈已登记"),
            "recheck": (lambda: services.disposal_recheck(disposal, by=request.user, data=_recheck(post)), "复查已登记"),
            "close": (lambda: services.disposal_close(disposal, by=request.user, note=post.get("note", "")), "已办结"),
            "reopen": (lambda: services.disposal_reopen(disposal, by=request.user, reason=post.get("reason", "")),
                       "已重新处置"),
        }
        if action not in steps:
            raise Http404("未知的操作")
        fn, success = steps[action]
        _run(request, fn, success)
        return redirect("inspections:disposal-detail", pk=disposal.pk)


def _recheck(post: Any) -> dict[str, Any]:
    form = RecheckForm(post)
    return dict(form.cleaned_data) if form.is_valid() else {}


# ---------------------------------------------------------------- tasks, overdue lists


class TaskInspections(ScopedPage):
    """One task's inspection work: its visits, notices batch, law education and deadline status."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = selectors.task_get(user=request.user, pk=pk)
        return render(request, "inspections/task_detail.html", self._context(request, task, LawEducationForm()))

    def _context(self, request: HttpRequest, task: Any, form: LawEducationForm, **batch: Any) -> dict[str, Any]:
        status = None
        error = ""
        try:
            status = selectors.task_deadline_status(task)
        except DomainError as exc:
            error = exc.message
        draws = list(Draw.objects.visible_to(request.user).filter(
            task=task, status=DrawStatus.PUBLISHED, superseded_at__isnull=True))
        rounds = list(JointRound.objects.visible_to(request.user).filter(draws__task=task).distinct())
        return {
            "title": f"检查实施：{task.name}", "task": task, "deadline": status, "deadline_error": error,
            "law": selectors.law_education_status(task), "law_form": form,
            "visits": selectors.visit_list(user=request.user, filters={"task": task.pk}).prefetch_related(
                "team_members__inspector"),
            "draws": draws, "rounds": rounds, **_batch_context(request, task, **batch),
        }

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        task = selectors.task_get(user=request.user, pk=pk)
        action = request.POST.get("action")
        if action == "notices":
            job = _run(request, lambda: services.notices_generate_for_task(
                task, by=request.user, base_url=request.build_absolute_uri("/")), "已开始批量生成告知书")
            if job is not None:
                return redirect("core:job", pk=job.pk)
        elif action == "law-education":
            form = LawEducationForm(request.POST)
            if form.is_valid():
                _run(request, lambda: services.law_education_record(task, by=request.user, data=form.cleaned_data),
                     "普法宣传已登记")
            else:
                return render(request, "inspections/task_detail.html", self._context(request, task, form), status=422)
        elif action in BATCH_ACTIONS:
            response = _batch_post(request, task, action)
            if response is not None:
                return render(request, "inspections/task_detail.html", self._context(
                    request, task, LawEducationForm(), **response), status=422)
        elif action in ("from-draw", "from-round"):
            model: Any = Draw if action == "from-draw" else JointRound
            source = model.objects.visible_to(request.user).filter(pk=request.POST.get("source") or 0).first()
            if source is None:
                raise Http404("未找到该抽取")
            _run(request, lambda: services.visits_create_from_draw(source, by=request.user), "检查已生成")
        else:
            raise Http404("未知的操作")
        return redirect("inspections:task", pk=task.pk)


def _batch_context(request: HttpRequest, task: Any, **forms: Any) -> dict[str, Any]:
    """The batch forms of the task page, for the users who may use them."""
    scope = scope_of(request.user)
    can_edit = scope.can(CHANGE, Visit)
    can_review = (not scope.unrestricted and scope.can_label("review", "inspections.inspectionrecord")
                  and scope.department_id == task.department_id)
    return {
        "schedule_form": forms.get("schedule_form") or (BatchScheduleForm(use_required_attribute=False, initial={
            "date_from": max(task.window_start_on, timezone.localdate())}) if can_edit else None),
        "receipt_form": forms.get("receipt_form") or (BatchReceiptForm(use_required_attribute=False)
                                                      if can_edit else None),
        "review_form": forms.get("review_form") or (BatchReviewForm(use_required_attribute=False)
                                                    if can_review else None),
        "can_import": scope.can_label(ADD, "inspections.inspectionrecord"),
        "can_select": can_edit or can_review,
    }


BATCH_ACTIONS = ("schedule-batch", "receipts-batch", "review-batch")


def _chosen(request: HttpRequest, task: Any, default: Any) -> list[Visit]:
    """The visits ticked on the task page, or ``default`` (a filtered queryset of the task) when none are."""
    ids = [pk for pk in request.POST.getlist("visits") if str(pk).isdigit()]
    if ids:
        return selectors.visits_get_many(user=request.user, ids=ids, task=task)
    return list(default.select_related("entity", "task", "department"))


def _batch_post(request: HttpRequest, task: Any, action: str) -> dict[str, Any] | None:
    """Run one batch action of the task page; a form with errors is returned to be shown again."""
    visits = selectors.visit_list(user=request.user, filters={"task": task.pk})
    if action == "schedule-batch":
        form: Any = BatchScheduleForm(request.POST, use_required_attribute=False)
        if not form.is_valid():
            return {"schedule_form": form}
        chosen = _chosen(request, task, visits.filter(scheduled_on__isnull=True, status__in=workflow.SCHEDULABLE))
        data = form.cleaned_data

        def schedule() -> Any:
            if not chosen:
                raise ValidationFailed.for_field("visits", "没有未排期的检查：请勾选要排期的检查", "required")
            end = data.get("date_to") or data["date_from"]
            pairs = services.spread_over_working_days(chosen, data["date_from"], end) if end != data["date_from"] \
                else [(v, data["date_from"]) for v in chosen]
            return services.visits_schedule_batch(pairs, by=request.user, start_time=data.get("start_time"))

        _run(request, schedule, f"已为 {len(chosen)} 户检查排期")
    elif action == "receipts-batch":
        form = BatchReceiptForm(request.POST, use_required_attribute=False)
        if not form.is_valid():
            return {"receipt_form": form}
        chosen = _chosen(request, task, visits.filter(status=VisitStatus.SCHEDULED, scheduled_on__isnull=False))
        _run(request, lambda: services.receipts_record_batch(chosen, by=request.user, data=form.cleaned_data),
             f"已为 {len(chosen)} 户检查登记送达回证")
    else:
        form = BatchReviewForm(request.POST, use_required_attribute=False)
        form.is_valid()
        chosen = _chosen(request, task, visits.filter(status=VisitStatus.RECORDED, department_id=task.department_id))
        _run(request, lambda: services.visits_review_batch(
            chosen, by=request.user, approve=True, comments=form.cleaned_data.get("comments", "")),
            f"已审核通过 {len(chosen)} 户检查，检查记录已锁定")
    return None


class TaskResultsImport(ScopedPage):
    """检查结果批量导入: download the task's pre-filled template, upload it filled; errors row by row."""

    def _context(self, request: HttpRequest, task: Any, form: ResultsImportForm, **extra: Any) -> dict[str, Any]:
        from jianguan.inspections.batch import ResultsTableSpec

        return {"title": f"检查结果导入：{task.name}", "task": task, "form": form, "spec": ResultsTableSpec(),
                **extra}

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = selectors.task_get(user=request.user, pk=pk)
        return render(request, "inspections/results_import.html", self._context(request, task, ResultsImportForm()))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        task = selectors.task_get(user=request.user, pk=pk)
        form = ResultsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "inspections/results_import.html", self._context(request, task, form), status=422)
        upload = form.cleaned_data["file"]
        try:
            rows = services.results_parse(upload, upload.name or "")
            outcome = services.results_import(task, rows, by=request.user, submit=form.cleaned_data["submit"])
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            failure = {"message": exc.message, "errors": [e.as_dict() for e in exc.errors]}
            return render(request, "inspections/results_import.html",
                          self._context(request, task, form, failure=failure), status=422)
        return render(request, "inspections/results_import.html",
                      self._context(request, task, ResultsImportForm(), outcome=outcome))


class TaskResultsTemplate(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        task = selectors.task_get(user=request.user, pk=pk)
        return FileResponse(services.results_template(task, by=request.user), as_attachment=True,
                            filename=f"检查结果-{task.pk}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class OverdueList(ScopedPage):
    """逾期清单: visits whose results are late or overdue, and tasks past their results deadline."""

    def get(self, request: HttpRequest) -> HttpResponse:
        error = ""
        visits: list[Any] = []
        tasks: list[Any] = []
        try:
            visits = selectors.overdue_visits(user=request.user)
            tasks = selectors.overdue_tasks(user=request.user)
        except DomainError as exc:
            error = exc.message
        return render(request, "inspections/overdue.html", {"title": "逾期清单", "visits": visits, "tasks": tasks,
                                                             "error": error})


def overdue_card(request: HttpRequest) -> dict[str, Any] | None:
    """Dashboard card: how many visits are past their entry deadline."""
    from jianguan.core.scoping import scope_of

    if not scope_of(request.user).can_label("view", "inspections.visit"):
        return None
    try:
        rows = selectors.overdue_visits(user=request.user)
    except DomainError:
        return None
    overdue = sum(1 for r in rows if r.kind == "entry_overdue")
    return {"label": "检查结果逾期未录入", "value": overdue, "url": reverse("inspections:overdue"),
            "note": f"另有 {len(rows) - overdue} 户未当日录入（宽限期内）"}
