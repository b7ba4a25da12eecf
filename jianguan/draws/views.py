"""Pages of the draw ceremony (抽取现场) and of joint rounds: thin wrappers around selectors and services."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from jianguan.core.exceptions import DomainError
from jianguan.core.jobs import job_state
from jianguan.core.scoping import ADD, ensure_can
from jianguan.core.views import Col, FormPage, ListPage, ScopedPage, display
from jianguan.draws import files, jobs, selectors, services
from jianguan.draws.choices import ExclusionReason
from jianguan.draws.forms import (
    AnnounceForm,
    CommitForm,
    DiceForm,
    DrawFilter,
    JointMergeForm,
    RedrawForm,
    RevealForm,
)
from jianguan.draws.models import Draw, JointRound
from jianguan.inspectors.models import Inspector
from jianguan.plans.choices import Grade

SHORT_NOTICE_BADGE = mark_safe('<span class="badge D">通知不足三天</span>')  # constant markup
RESULT_ROWS = 200
VERIFY_COMMAND = "python tools/verify_draw.py record.json snapshot.csv"
AUDIT_LABELS = {
    "draw.announced": "发起抽取并通知法规处", "draw.frozen": "冻结名单和参数", "draw.committed": "录入承诺",
    "draw.sealed": "封存承诺", "draw.revealed": "揭示", "draw.dice_recorded": "录入摇号数字",
    "draw.executed": "执行抽取", "draw.published": "公示", "draw.superseded": "被重新抽取替代",
    "draw.redraw_announced": "经批准重新抽取", "permission.denied": "越权操作被拒绝", "access.denied": "越权访问被拒绝",
    "draw.joint_merged": "汇总取重",
}


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


def _grade_label(grade: str) -> str:
    return str(Grade(grade).label) if grade in Grade.values else grade


# ---------------------------------------------------------------- list and announce


class DrawList(ListPage):
    title = "双随机抽取"
    model = Draw
    filter_form = DrawFilter
    detail_url = "draws:draw-detail"
    create_url = "draws:draw-announce"
    columns = (
        Col("抽取编号", lambda d: d.reference, link=True),
        Col("抽查任务", lambda d: d.task.name),
        Col("实施部门", lambda d: d.department.name),
        Col("状态", lambda d: d.get_status_display() + ("（已被重新抽取替代）" if d.superseded_at else "")),
        Col("计划抽取时间", lambda d: d.scheduled_at),
        Col("抽中户数", lambda d: d.selected_count if d.executed_at else "—"),
        Col("提前通知", lambda d: SHORT_NOTICE_BADGE if d.is_short_notice else "满三天"),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.draw_list(user=request.user, filters=filters)


class DrawAnnounce(FormPage):
    title = "发起抽取"
    form_class = AnnounceForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        ensure_can(request.user, ADD, Draw)
        return None

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> forms.Form:
        initial = {"task": request.GET.get("task")} if request.GET.get("task") else None
        return AnnounceForm(data, initial=initial, tasks=selectors.announceable_tasks(request.user))

    def save(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Draw:
        draw = services.draw_announce(task=data["task"], scheduled_at=data["scheduled_at"], by=request.user)
        messages.success(request, "已发起抽取并通知本部门政策法规处" + ("；注意：距抽取不足三天，将被标记" if draw.is_short_notice else ""))
        return draw

    def success_url(self, obj: Draw) -> str:
        return reverse("draws:draw-detail", args=[obj.pk])


# ---------------------------------------------------------------- the ceremony page


def _history(draw: Draw) -> list[dict[str, Any]]:
    out = []
    for e in selectors.draw_history(draw):
        after = e.after if isinstance(e.after, dict) else {}
        out.append({"at": e.occurred_at, "actor": e.actor_username, "action": AUDIT_LABELS.get(e.action, e.action),
                    "changes": "；".join(f"{k}：{display(v)}" for k, v in after.items())})
    return out


def _exclusions(draw: Draw) -> list[tuple[str, int]]:
    return [(str(ExclusionReason(k).label), int(v)) for k, v in draw.exclusions.items() if k in ExclusionReason.values]


def _grade_rows(draw: Draw) -> list[dict[str, Any]]:
    ratios = (draw.params or {}).get("ratios_pct", {})
    cutoffs = {g["grade"]: g["cutoff"] for g in draw.grades}
    return [{"grade": g, "label": _grade_label(g), "population": n, "ratio": ratios.get(g),
             "quota": draw.quotas.get(g, 0), "cutoff": cutoffs.get(g)} for g, n in sorted(draw.grade_counts.items())]


def _results(draw: Draw) -> list[dict[str, Any]]:
    rows = list(selectors.draw_selections(draw, limit=RESULT_ROWS))
    teams = selectors.draw_teams(draw, [r.entity_id for r in rows])
    return [{"row": r, "team": teams.get(r.entity_id, [])} for r in rows]


class DrawDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        draw = selectors.draw_get(user=request.user, pk=pk)
        perms = selectors.draw_permissions(draw, request.user)
        parties = list(selectors.draw_parties(draw))
        job = selectors.draw_job(draw)
        fields = [
            ("抽查任务", draw.task.name), ("抽查计划", draw.task.plan.title), ("实施部门", draw.department.name),
            ("状态", draw.get_status_display() + ("（已被重新抽取替代）" if draw.superseded_at else "")),
            ("计划抽取时间", display(draw.scheduled_at)), ("通知时间", display(draw.announced_at)),
            ("已通知法规处", "、".join(p["name"] for p in draw.legal_notified_to) or "本部门尚无政策法规处人员账号"),
            ("提前通知", "不足三天（已标记）[003]" if draw.is_short_notice else "满三天"),
        ]
        if draw.redraw_of_id:
            fields += [("重新抽取自", draw.redraw_of.reference if draw.redraw_of else "—"),
                       ("重新抽取理由", draw.redraw_reason),
                       ("批准人", display(draw.redraw_approved_by))]
        return render(request, "draws/draw_detail.html", {
            "title": f"抽取 {draw.reference}", "draw": draw, "fields": fields, "perms": perms,
            "exclusions": _exclusions(draw), "grade_rows": _grade_rows(draw),
            "params_json": json.dumps(draw.params, ensure_ascii=False, indent=2, sort_keys=True) if draw.params else "",
            "parties": parties, "dice_witnesses": [w for w in selectors.draw_witnesses(draw) if w.kind == "dice_witness"],
            "commit_form": CommitForm() if perms.can_commit else None,
            "reveal_form": RevealForm(parties=[p.party for p in parties if not p.is_revealed]) if perms.can_reveal else None,
            "dice_form": DiceForm() if perms.can_dice else None,
            "redraw_form": RedrawForm(approvers=selectors.redraw_approvers(draw)) if perms.can_redraw else None,
            "results": _results(draw) if draw.executed_at else [], "result_limit": RESULT_ROWS,
            "verify_command": VERIFY_COMMAND, "job": job, "job_state": job_state(job) if job else None,
            "task_url": reverse("plans:task-detail", args=[draw.task_id]),
            "redraw": Draw.objects.filter(redraw_of=draw).first(),
            "history": _history(draw),
        })


SIMPLE_ACTIONS: dict[str, tuple[Callable[..., Any], str]] = {
    "freeze": (services.draw_freeze, "名单和参数已冻结并公布哈希"),
    "seal": (services.draw_seal, "承诺已封存，可以揭示或录入摇号数字"),
    "execute": (services.draw_execute, "抽取已执行"),
    "publish": (services.draw_publish, "抽取结果已公示"),
}


def _form_error(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = "；".join(str(e) for e in errors)
        messages.error(request, f"{label}：{text}" if label else text)


class DrawAction(ScopedPage):
    """POST-only: one step of the ceremony."""

    def post(self, request: HttpRequest, pk: int, action: str) -> HttpResponseBase:
        draw = selectors.draw_get(user=request.user, pk=pk)
        by = request.user
        if action in ("freeze", "execute") and jobs.is_large(draw, action):
            step_permission = services.EXECUTE if action == "execute" else "change"
            from jianguan.core.scoping import ensure_can_edit

            ensure_can_edit(draw, by, step_permission)
            jobs.start_step(draw, action, by=by)
            messages.info(request, "总体较大，已转入后台执行，进度见下方")
        elif action in SIMPLE_ACTIONS:
            fn, success = SIMPLE_ACTIONS[action]
            _run(request, lambda: fn(draw, by=by), success)
        elif action == "commit":
            form = CommitForm(request.POST)
            if form.is_valid():
                _run(request, lambda: services.witness_commit(draw, by=by, **form.cleaned_data), "承诺已录入")
            else:
                _form_error(request, form)
        elif action == "reveal":
            reveal = RevealForm(request.POST, parties=list(selectors.draw_parties(draw).values_list("party", flat=True)))
            if reveal.is_valid():
                _run(request, lambda: services.witness_reveal(draw, by=by, **reveal.cleaned_data), "揭示值与承诺相符，已记录")
            else:
                _form_error(request, reveal)
        elif action == "dice":
            dice = DiceForm(request.POST)
            if dice.is_valid():
                _run(request, lambda: services.witness_dice(
                    draw, by=by, digits=dice.cleaned_data["digits"], witnesses=dice.witness_list()), "摇号数字已录入")
            else:
                _form_error(request, dice)
        elif action == "redraw":
            redraw = RedrawForm(request.POST, approvers=selectors.redraw_approvers(draw))
            if redraw.is_valid():
                data = redraw.cleaned_data
                new: list[Draw] = []
                ok = _run(request, lambda: new.append(services.draw_redraw(
                    draw, by=by, reason=data["reason"], approver=data["approver"], scheduled_at=data["scheduled_at"])),
                    "已经批准重新抽取，原记录保持不变")
                if ok:
                    return redirect("draws:draw-detail", pk=new[0].pk)
            else:
                _form_error(request, redraw)
        else:
            raise Http404("未知的操作")
        return redirect("draws:draw-detail", pk=draw.pk)


class DrawProgress(ScopedPage):
    """htmx: the state of the draw's background job; reloads the page when it has finished."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        draw = selectors.draw_get(user=request.user, pk=pk)
        job = selectors.draw_job(draw)
        if job is None:
            raise Http404("没有后台任务")
        response = render(request, "draws/_progress.html", {"draw": draw, "job": job, "job_state": job_state(job)})
        if job.status in ("succeeded", "failed") and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class DrawRecord(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        draw = selectors.draw_get(user=request.user, pk=pk)
        if not draw.record_path:
            raise Http404("尚未抽取，没有抽取记录")
        return FileResponse(files.open_raw(draw.record_path), as_attachment=True, filename=f"{draw.reference}-record.json",
                            content_type="application/json")


class DrawSnapshot(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        draw = selectors.draw_get(user=request.user, pk=pk)
        if not draw.snapshot_path:
            raise Http404("名单尚未冻结，没有快照")
        return FileResponse(files.open_snapshot(draw.snapshot_path), as_attachment=True,
                            filename=f"{draw.reference}-snapshot.csv", content_type="text/csv; charset=utf-8")


# ---------------------------------------------------------------- joint rounds


class JointRoundList(ListPage):
    title = "联合抽查汇总取重"
    model = Draw  # decides the "新增" button: roles.py grants draws.draw, joint rounds are part of the draw
    detail_url = "draws:joint-detail"
    create_url = "draws:joint-merge"
    columns = (
        Col("编号", lambda j: j.reference, link=True),
        Col("联合抽查计划", lambda j: j.plan.title),
        Col("发起部门", lambda j: j.department.name),
        Col("合并前户次", lambda j: j.visits_before),
        Col("合并后户次", lambda j: j.visits_after),
        Col("减少检查户次", lambda j: j.visits_saved),
        Col("汇总时间", lambda j: j.merged_at),
    )

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        return selectors.joint_round_list(user=request.user, filters=filters)


class JointMerge(FormPage):
    title = "联合抽查汇总取重"
    form_class = JointMergeForm

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        ensure_can(request.user, services.EXECUTE, Draw)
        return None

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> forms.Form:
        return JointMergeForm(data, plans=selectors.joint_plans_for(request.user))

    def save(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> JointRound:
        witnesses = [line.strip() for line in data["witnesses"].splitlines() if line.strip()]
        joint = services.joint_merge(data["plan"], by=request.user, dice_digits=data["dice_digits"],
                                     witnesses=witnesses)
        messages.success(request, f"汇总取重完成：合并前 {joint.visits_before} 户次，合并后 {joint.visits_after} 户次，"
                                  f"减少 {joint.visits_saved} 户次")
        return joint

    def success_url(self, obj: JointRound) -> str:
        return reverse("draws:joint-detail", args=[obj.pk])


class JointRoundDetail(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        joint = selectors.joint_round_get(user=request.user, pk=pk)
        visits = list(selectors.joint_visits(joint, limit=RESULT_ROWS))
        ids = {i for v in visits for i in v.inspector_ids}
        names = {i.pk: i for i in Inspector.objects.filter(pk__in=ids)}
        fields = [("联合抽查计划", joint.plan.title), ("发起部门", joint.department.name),
                  ("合并前检查户次", joint.visits_before), ("合并后检查户次", joint.visits_after),
                  ("减少检查户次", joint.visits_saved), ("汇总取重哈希", joint.merge_hash),
                  ("参数哈希", joint.params_hash), ("摇号数字", joint.dice_digits),
                  ("摇号见证人", "、".join(joint.dice_witnesses)), ("K_assign", joint.k_assign),
                  ("记录哈希", joint.record_hash), ("汇总时间", display(joint.merged_at))]
        return render(request, "draws/joint_detail.html", {
            "title": f"联合抽查 {joint.reference}", "joint": joint, "fields": fields,
            "draws": joint.draws.all(), "result_limit": RESULT_ROWS,
            "visits": [{"visit": v, "team": [names.get(i) for i in v.inspector_ids]} for v in visits],
        })


class JointRecord(ScopedPage):
    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        joint = selectors.joint_round_get(user=request.user, pk=pk)
        return FileResponse(files.open_raw(joint.record_path), as_attachment=True,
                            filename=f"{joint.reference}-joint-record.json", content_type="application/json")

