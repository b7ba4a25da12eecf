"""Staff pages of the disclosure app (/public/manage/): 结果公示 per task, publications, 异议处理.

Thin: each page calls one selector to read and one service to write; domain errors land beside the field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from jianguan.core.exceptions import DomainError
from jianguan.core.scoping import ADD, CHANGE, VIEW, ensure_can, get_visible
from jianguan.core.views import Col, ListPage, ScopedPage
from jianguan.disclosure import public, selectors, services
from jianguan.disclosure.forms import (
    DrawDisclosureForm,
    ObjectionFilter,
    ObjectionReviewForm,
    PublicationFilter,
    TypicalCaseForm,
    WithholdForm,
)
from jianguan.disclosure.models import Objection, Publication, TypicalCase
from jianguan.draws.models import Draw
from jianguan.inspections.models import ResultCategory, Visit


def _place(form: forms.Form, exc: DomainError) -> None:
    placed = False
    for err in exc.errors:
        if err.field in form.fields:
            form.add_error(err.field, err.message)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def _history(obj: Any) -> list[dict[str, Any]]:
    return [{"at": e.occurred_at, "actor": e.actor_username, "action": e.action, "changes": e.after}
            for e in selectors.record_history(obj)]


class TaskIndex(ScopedPage):
    """结果公示: the tasks with visits, their deadline and how far their publication is."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        ensure_can(request.user, VIEW, Publication)
        tasks = list(selectors.publishing_tasks(user=request.user)[:200])
        overviews = [selectors.task_publication(t) for t in tasks]
        return render(request, "disclosure/staff/task_index.html", {
            "title": "结果公示", "overviews": overviews,
            "publications_url": reverse("disclosure:staff-publications"),
        })


class TaskPublicationPage(ScopedPage):
    """One task: publish its reviewed results (all, or one visit), or withhold one with a legal reason."""

    def _render(self, request: HttpRequest, task: Any, *, withhold: WithholdForm | None = None,
                withhold_visit: int | None = None, error: str = "", errors: list[str] | None = None,
                status: int = 200) -> HttpResponseBase:
        return render(request, "disclosure/staff/task_publication.html", {
            "title": f"结果公示：{task.name}", "overview": selectors.task_publication(task),
            "may_publish": selectors.may_publish(request.user), "withhold": withhold or WithholdForm(),
            "withhold_visit": withhold_visit, "error": error, "errors": errors or [],
            "draw": task.draws.filter(superseded_at__isnull=True).first(),
        }, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        ensure_can(request.user, VIEW, Publication)
        task = selectors.task_get(user=request.user, pk=pk)
        return self._render(request, task)

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        ensure_can(request.user, ADD, Publication)
        task = selectors.task_get(user=request.user, pk=pk)
        action = request.POST.get("action", "")
        try:
            if action == "publish_all":
                done = services.publish_task_results(task, by=request.user)
                messages.success(request, f"已公示 {len(done)} 户的检查结果")
            elif action in ("publish", "withhold"):
                visit = get_visible(Visit.objects.filter(task=task), request.user, pk=request.POST.get("visit"))
                if action == "publish":
                    services.publication_publish(visit, by=request.user)
                    messages.success(request, f"已公示「{visit.entity.name}」的检查结果")
                else:
                    form = WithholdForm(request.POST)
                    if not form.is_valid():
                        return self._render(request, task, withhold=form, withhold_visit=visit.pk, status=422)
                    try:
                        services.publication_withhold(visit, by=request.user, **form.cleaned_data)
                    except DomainError as exc:
                        if exc.status in (403, 404):
                            raise
                        _place(form, exc)
                        return self._render(request, task, withhold=form, withhold_visit=visit.pk, status=422)
                    messages.success(request, f"已决定不予公开「{visit.entity.name}」的检查结果")
            else:
                return self._render(request, task, error="未知的操作", status=422)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            return self._render(request, task, error=exc.message, errors=[e.message for e in exc.errors], status=422)
        return redirect("disclosure:staff-task", pk=task.pk)


class PublicationList(ListPage):
    title = "公示记录"
    model = Publication
    filter_form = PublicationFilter
    detail_url = "disclosure:staff-publication"
    columns = (
        Col("市场主体", lambda p: p.entity.name, link=True),
        Col("统一社会信用代码", lambda p: p.entity.uscc),
        Col("任务", lambda p: p.task_name),
        Col("检查完成日期", lambda p: p.completed_on),
        Col("公示状态", lambda p: p.get_status_display()),
        Col("公示时间", lambda p: p.published_at),
        Col("按期公示", lambda p: p.is_on_time),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.publication_list(user=request.user, filters=filters)


class PublicationDetail(ScopedPage):
    """One publication: its lines, objections, typical cases; withhold, release, mark as typical case."""

    def _render(self, request: HttpRequest, pub: Publication, *, withhold: WithholdForm | None = None,
                case: TypicalCaseForm | None = None, status: int = 200) -> HttpResponseBase:
        can_edit = Publication.objects.editable_by(request.user, CHANGE).filter(pk=pub.pk).exists()
        inspection = public._with_lines([pub])[0]
        return render(request, "disclosure/staff/publication_detail.html", {
            "title": f"公示记录：{pub.entity.name}", "pub": pub, "inspection": inspection, "can_edit": can_edit,
            "withhold": withhold or WithholdForm(), "case": case or TypicalCaseForm(),
            "cases": selectors.publication_cases(pub),
            "objections": Objection.objects.filter(publication=pub).select_related("result").order_by("-filed_at"),
            "history": _history(pub),
        }, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        return self._render(request, selectors.publication_get(user=request.user, pk=pk))

    def _form_step(self, request: HttpRequest, pub: Any, key: str, form: Any, run: Callable[[dict[str, Any]], Any],
                   done: str) -> HttpResponseBase:
        """Validate the form, run the service; its error goes beside the field (403/404 propagate)."""
        if form.is_valid():
            try:
                run(form.cleaned_data)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                _place(form, exc)
            else:
                messages.success(request, done)
                return redirect("disclosure:staff-publication", pk=pub.pk)
        return self._render(request, pub, **{key: form}, status=422)

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        pub = selectors.publication_get(user=request.user, pk=pk)
        action = request.POST.get("action", "")
        if action == "withhold":
            return self._form_step(request, pub, "withhold", WithholdForm(request.POST),
                                   lambda data: services.publication_withhold(pub, by=request.user, **data),
                                   "已撤下该公示并记录不予公开的理由")
        if action == "release":
            try:
                services.publication_release(pub, by=request.user)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                messages.error(request, exc.message)
            else:
                messages.success(request, "已转为公示")
            return redirect("disclosure:staff-publication", pk=pub.pk)
        if action == "mark_case":
            return self._form_step(request, pub, "case", TypicalCaseForm(request.POST),
                                   lambda data: services.typical_case_mark(pub, by=request.user, **data),
                                   "已列入曝光台")
        if action == "withdraw_case":
            case_pk = request.POST.get("case", "")
            item = TypicalCase.objects.filter(publication=pub, pk=int(case_pk)).first() if case_pk.isdigit() else None
            if item is not None:
                try:
                    services.typical_case_withdraw(item, by=request.user)
                except DomainError as exc:
                    if exc.status in (403, 404):
                        raise
                    messages.error(request, exc.message)
                else:
                    messages.success(request, "已从曝光台撤下")
            return redirect("disclosure:staff-publication", pk=pub.pk)
        messages.error(request, "未知的操作")
        return redirect("disclosure:staff-publication", pk=pub.pk)


class ObjectionList(ListPage):
    title = "异议处理"
    model = Objection
    filter_form = ObjectionFilter
    detail_url = "disclosure:staff-objection"
    columns = (
        Col("受理编号", lambda o: o.reference, link=True),
        Col("市场主体", lambda o: o.publication.entity.name),
        Col("异议的检查结果", lambda o: f"{o.result.item_name}：{o.result.result_label}"),
        Col("提出时间", lambda o: o.filed_at),
        Col("处理状态", lambda o: o.get_status_display()),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.objection_list(user=request.user, filters=filters)


def _categories() -> list[tuple[str, str]]:
    return list(ResultCategory.objects.filter(is_active=True).order_by("sort_order").values_list("code", "label"))


class ObjectionDetail(ScopedPage):
    """One objection: what was objected to, by whom (contact for staff only), and the review form."""

    def _render(self, request: HttpRequest, obj: Objection, form: ObjectionReviewForm | None = None,
                status: int = 200) -> HttpResponseBase:
        return render(request, "disclosure/staff/objection_detail.html", {
            "title": f"异议 {obj.reference}", "obj": obj,
            "form": form or ObjectionReviewForm(categories=_categories()),
            "may_review": selectors.may_review_objections(request.user) and not obj.is_reviewed,
            "correction": getattr(obj, "correction", None) if obj.status == "accepted" else None,
            "history": _history(obj),
        }, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        return self._render(request, selectors.objection_get(user=request.user, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        obj = selectors.objection_get(user=request.user, pk=pk)
        form = ObjectionReviewForm(request.POST, categories=_categories())
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.objection_review(obj, by=request.user, accept=data["decision"] == "accept",
                                          reason=data["reason"], new_result_code=data["new_result_code"] or None)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                _place(form, exc)
            else:
                messages.success(request, "已处理该异议，处理结果将在检查结果旁公示")
                return redirect("disclosure:staff-objection", pk=obj.pk)
        return self._render(request, obj, form, status=422)


class DrawDisclosurePage(ScopedPage):
    """Whether a draw's population snapshot is published (default yes; withheld only with a legal ground)."""

    def _render(self, request: HttpRequest, draw: Draw, form: DrawDisclosureForm | None = None,
                status: int = 200) -> HttpResponseBase:
        current = public.draw_disclosure(draw)
        initial = {"is_snapshot_public": "yes" if current is None or current.is_snapshot_public else "no",
                   "reason": current.reason if current else "", "basis": current.basis if current else ""}
        return render(request, "core/form.html", {
            "title": f"抽取记录 {draw.reference}：名录快照是否公开",
            "form": form or DrawDisclosureForm(initial=initial), "object": draw,
        }, status=status)

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        ensure_can(request.user, CHANGE, Publication)
        return self._render(request, get_visible(Draw.objects.all(), request.user, pk=pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        draw = get_visible(Draw.objects.all(), request.user, pk=pk)
        form = DrawDisclosureForm(request.POST)
        if form.is_valid():
            try:
                services.draw_disclosure_set(draw, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                _place(form, exc)
            else:
                messages.success(request, "已保存名录快照的公开设置")
                task_pk = draw.task_id
                return redirect("disclosure:staff-task", pk=task_pk)
        return self._render(request, draw, form, status=422)
