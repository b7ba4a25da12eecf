"""The public portal (/public/): no login, Chinese, light pages on their own base template.

Each view calls one reader in jianguan.disclosure.public (or search) and renders. Anything that is not
published is a 404, as if it did not exist.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from jianguan.core.exceptions import DomainError, OutOfScope
from jianguan.disclosure import drawrecord, pagecache, public, search, services
from jianguan.disclosure.forms import ObjectionFileForm, ObjectionLookupForm, SearchForm
from jianguan.disclosure.models import Objection

PUBLIC_CACHE_SECONDS = 60
LOOKUP_LIMIT_PER_HOUR = 30


def portal(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Unpublished or unknown objects are 404s; pages may be cached briefly by browsers and proxies."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except OutOfScope:
            raise Http404("未找到该公示信息") from None
        # Never cache a page that sets a cookie (the objection form's CSRF token) in a shared cache.
        if (request.method == "GET" and response.status_code == 200 and not response.has_header("Cache-Control")
                and not response.cookies):
            response["Cache-Control"] = f"public, max-age={PUBLIC_CACHE_SECONDS}"
        return response

    return wrapped


@require_GET
@portal
def home(request: HttpRequest) -> HttpResponseBase:
    return render(request, "disclosure/portal/home.html", {
        "title": "首页", "form": SearchForm(),
        "latest": public.published_publications().select_related("entity", "department")
        .order_by("-published_at", "-pk")[:8],
        "draws": public.published_draws()[:5],
        "cases": public.typical_cases()[:3],
    })


@require_GET
@portal
def search_page(request: HttpRequest) -> HttpResponseBase:
    form = SearchForm(request.GET or None)
    raw = request.GET.get("q", "")
    try:
        page_no = int(request.GET.get("page", "1"))
    except ValueError:
        page_no = 1
    result = search.search_entities(raw, page=page_no)
    if result.query.mode == "code" and len(result.entities) == 1 and "page" not in request.GET:
        return redirect("disclosure:portal-entity", uscc=result.entities[0].uscc)
    return render(request, "disclosure/portal/search.html", {
        "title": "企业查询", "nav": "search", "form": form, "result": result, "q": raw,
        "query_string": urlencode({"q": raw}),
    })


@require_GET
@portal
def entity_page(request: HttpRequest, uscc: str) -> HttpResponseBase:
    """The entity dossier; the rendered page is kept in the shared cache until what it shows changes."""
    code = search.full_code(uscc)
    if code is None:
        raise Http404("未找到该市场主体")
    variant = translation.get_language() or ""
    cached, token = pagecache.lookup(code, variant)
    if cached is not None:
        return HttpResponse(cached)
    entity = search.public_entity(code)
    if entity is None:
        raise Http404("未找到该市场主体")
    response = render(request, "disclosure/portal/entity.html", {
        "title": entity.name, "nav": "search", "entity": entity, "inspections": public.entity_dossier(entity),
    })
    if not response.cookies:  # the page is the same for every visitor: nothing personal in it
        pagecache.store(code, variant, token, response.content)
    return response


@require_GET
@portal
def publication_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    inspection = public.publication_public(pk)
    return render(request, "disclosure/portal/publication.html", {
        "title": f"{inspection.publication.entity.name} 检查结果", "nav": "search", "inspection": inspection,
        "entity": inspection.publication.entity,
    })


@require_GET
@portal
def departments(request: HttpRequest) -> HttpResponseBase:
    return render(request, "disclosure/portal/departments.html", {
        "title": "部门公告", "nav": "departments", "departments": public.departments_with_announcements(),
    })


@dataclass(frozen=True)
class LightPage:
    """A page without a total count (a count over 10⁶ published results costs more than the page)."""

    object_list: list[Any]
    number: int
    has_next: bool
    is_last_allowed: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)


def light_page(qs: Any, raw: str | None, *, size: int = 20, max_pages: int = 50) -> LightPage:
    try:
        number = max(1, min(int(raw or 1), max_pages))
    except ValueError:
        number = 1
    rows = list(qs[(number - 1) * size: number * size + 1])
    return LightPage(rows[:size], number, len(rows) > size and number < max_pages, number == max_pages)


@require_GET
@portal
def department_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    dept = public.department_public(pk)
    pubs = light_page(public.department_publications(dept), request.GET.get("page"))
    return render(request, "disclosure/portal/department.html", {
        "title": dept.name, "nav": "departments", "department": dept, "items": public.department_items(dept),
        "plans": public.department_plans(dept), "page": pubs,
    })


@require_GET
@portal
def plan_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    plan = public.plan_public(pk)
    tasks = plan.tasks.filter(status__in=public.PUBLIC_TASK_STATUSES).prefetch_related("items").order_by("pk")
    return render(request, "disclosure/portal/plan.html", {
        "title": plan.title, "nav": "departments", "plan": plan, "tasks": tasks, "items": plan.items.order_by("code"),
        "draws": public.published_draws().filter(task__plan=plan),
    })


# ---------------------------------------------------------------- draws


@require_GET
@portal
def draws(request: HttpRequest) -> HttpResponseBase:
    page = Paginator(public.published_draws(), 30).get_page(request.GET.get("page"))
    return render(request, "disclosure/portal/draws.html", {"title": "抽取记录", "nav": "draws", "page": page})


def _bundle_name(draw: Any) -> str:
    return f"draw-{draw.reference}"


@require_GET
@portal
def draw_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    draw = public.draw_public(pk)
    view = public.draw_view(draw)
    snapshot_public = public.snapshot_is_public(draw)
    return render(request, "disclosure/portal/draw.html", {
        "title": f"抽取记录 {draw.reference}", "nav": "draws", "draw": draw, "view": view,
        "selected": public.draw_selected(draw), "witnesses": public.draw_witnesses(draw),
        "snapshot_public": snapshot_public, "disclosure": public.draw_disclosure(draw),
        "command": drawrecord.verify_command(has_snapshot=snapshot_public, kind=view.kind),
        "bundle_name": _bundle_name(draw), "exclusions": _exclusions(draw),
    })


def _exclusions(draw: Any) -> list[tuple[str, int]]:
    """The exclusion counts by reason, labelled (counted before the population was frozen)."""
    from jianguan.draws.choices import ExclusionReason

    labels = dict(ExclusionReason.choices)
    return [(str(labels.get(k, k)), int(n)) for k, n in (draw.exclusions or {}).items() if n]


@require_GET
@portal
def draw_record(request: HttpRequest, pk: int) -> HttpResponseBase:
    draw = public.draw_public(pk)
    response = HttpResponse(public.draw_record_bytes(draw), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_bundle_name(draw)}-record.json"'
    return response


@require_GET
@portal
def draw_snapshot(request: HttpRequest, pk: int) -> HttpResponseBase:
    draw = public.draw_public(pk)
    if not public.snapshot_is_public(draw):
        raise Http404("该次抽取的名录快照依法不公开")
    response = HttpResponse(public.draw_snapshot_bytes(draw), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_bundle_name(draw)}-snapshot.csv"'
    return response


@require_GET
@portal
def draw_bundle(request: HttpRequest, pk: int) -> HttpResponseBase:
    """record.json + snapshot.csv (where the law allows) + verify_draw.py + README with the exact command."""
    draw = public.draw_public(pk)
    snapshot = public.draw_snapshot_bytes(draw) if public.snapshot_is_public(draw) else None
    data = drawrecord.verify_bundle(public.draw_record_bytes(draw), snapshot,
                                    title=f"抽取记录 {draw.reference}（{draw.task.name}）")
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{_bundle_name(draw)}-verify.zip",
                        content_type="application/zip")


@require_GET
@portal
def verifier(request: HttpRequest) -> HttpResponseBase:
    response = HttpResponse(drawrecord.verifier_path().read_bytes(), content_type="text/x-python; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{drawrecord.VERIFIER_NAME}"'
    return response


@require_GET
@portal
def draw_check(request: HttpRequest, pk: int) -> HttpResponseBase:
    """我的企业是否被抽中: the entity's ticket against its grade's cutoff, recomputed from the revealed seed."""
    draw = public.draw_public(pk)
    view = public.draw_view(draw)
    raw = (request.GET.get("uscc") or "").strip().upper()
    check, error = None, ""
    if raw:
        if not drawrecord.is_uscc(raw):
            error = "请输入 18 位统一社会信用代码"
        elif view.kind != "draw":
            error = "联合抽查汇总记录不含抽签号，请查看各部门的抽取记录"
        else:
            snapshot_public = public.snapshot_is_public(draw)
            snapshot = public.draw_snapshot_bytes(draw) if snapshot_public else None
            check = drawrecord.check_entity(view, raw, snapshot, snapshot_public=snapshot_public)
    return render(request, "disclosure/portal/draw_check.html", {
        "title": "我的企业是否被抽中", "nav": "draws", "draw": draw, "view": view, "check": check, "error": error,
        "uscc": raw,
    })


# ---------------------------------------------------------------- notice verification


@require_GET
@portal
def verify_form(request: HttpRequest) -> HttpResponseBase:
    code = (request.GET.get("code") or "").strip()
    if code:
        return redirect("disclosure:portal-verify", code=code)
    return render(request, "disclosure/portal/verify.html", {"title": "告知书核验", "nav": "draws", "check": None,
                                                              "code": ""})


@require_GET
@portal
def verify_code(request: HttpRequest, code: str) -> HttpResponseBase:
    """/public/verify/<code>/: the QR code on a notice resolves to the visit's public draw record."""
    check = public.visit_by_code(code)
    status = 200 if check is not None else 404
    return render(request, "disclosure/portal/verify.html", {
        "title": "告知书核验", "nav": "draws", "check": check, "code": code,
    }, status=status)


# ---------------------------------------------------------------- exposure board


@require_GET
@portal
def exposure(request: HttpRequest) -> HttpResponseBase:
    page = Paginator(public.typical_cases(), 20).get_page(request.GET.get("page"))
    return render(request, "disclosure/portal/exposure.html", {"title": "曝光台", "nav": "exposure", "page": page})


@require_GET
@portal
def case_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    case = public.typical_case_public(pk)
    inspection = public.publication_public(case.publication_id)
    return render(request, "disclosure/portal/case.html", {
        "title": case.title, "nav": "exposure", "case": case, "inspection": inspection,
    })


# ---------------------------------------------------------------- open data


def _open_filters(request: HttpRequest) -> dict[str, Any]:
    import datetime as dt

    filters: dict[str, Any] = {"department": request.GET.get("department", ""), "uscc": request.GET.get("uscc", "")}
    since = request.GET.get("since", "")
    if since:
        try:
            filters["since"] = dt.date.fromisoformat(since)
        except ValueError:
            raise Http404("since 须为 YYYY-MM-DD 格式的日期") from None
    return filters


@require_GET
@portal
def open_data(request: HttpRequest) -> HttpResponseBase:
    return render(request, "disclosure/portal/open_data.html", {
        "title": "开放数据", "nav": "open", "columns": public.OPEN_DATA_COLUMNS,
        "departments": public.departments_with_announcements(),
    })


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_rows(filters: dict[str, Any]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: spreadsheet programs then read the UTF-8 Chinese correctly
    yield writer.writerow([header for _, header in public.OPEN_DATA_COLUMNS])
    keys = [key for key, _ in public.OPEN_DATA_COLUMNS]
    for row in public.iter_open_results(filters):
        yield writer.writerow(["是" if k == "is_corrected" and row[k] else ("否" if k == "is_corrected" else row[k])
                               for k in keys])


def _json_rows(filters: dict[str, Any]) -> Iterator[str]:
    yield '{"generated_at":' + json.dumps(timezone.now().isoformat()) + ',"results":['
    first = True
    for row in public.iter_open_results(filters):
        yield ("" if first else ",") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "]}\n"


@require_GET
@portal
def open_csv(request: HttpRequest) -> HttpResponseBase:
    response = StreamingHttpResponse(_csv_rows(_open_filters(request)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="published-results.csv"'
    return response


@require_GET
@portal
def open_json(request: HttpRequest) -> HttpResponseBase:
    response = StreamingHttpResponse(_json_rows(_open_filters(request)), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="published-results.json"'
    return response


# ---------------------------------------------------------------- objections (right of reply)


def _client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _too_many_lookups(request: HttpRequest) -> bool:
    """Bound guessing of verification codes: a few dozen attempts per address and hour."""
    key = f"disclosure:objection-lookup:{_client_ip(request)}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        count = 1
    return count > LOOKUP_LIMIT_PER_HOUR


def _result_choices(publication: Any) -> list[tuple[int, str]]:
    return [(r.pk, f"{r.item_name}：{r.result_label}") for r in publication.results.order_by("position")]


@require_http_methods(["GET", "POST"])
@portal
def objection_new(request: HttpRequest) -> HttpResponseBase:
    context: dict[str, Any] = {"title": "异议申请", "nav": "objection"}
    if request.method == "GET":
        page = render(request, "disclosure/portal/objection.html", {**context, "lookup": ObjectionLookupForm()})
        page["Cache-Control"] = "no-store"  # it carries a CSRF token
        return page
    if _too_many_lookups(request):
        form = ObjectionLookupForm(request.POST)
        form.is_valid()
        form.add_error(None, "尝试次数过多，请一小时后再试")
        return render(request, "disclosure/portal/objection.html", {**context, "lookup": form}, status=429)
    lookup = ObjectionLookupForm(request.POST)
    if not lookup.is_valid():
        return render(request, "disclosure/portal/objection.html", {**context, "lookup": lookup}, status=422)
    try:
        publication = services.publication_for_notice(uscc=lookup.cleaned_data["uscc"],
                                                      verification_code=lookup.cleaned_data["verification_code"])
    except DomainError as exc:
        lookup.add_error("verification_code", exc.errors[0].message if exc.errors else exc.message)
        return render(request, "disclosure/portal/objection.html", {**context, "lookup": lookup}, status=422)
    inspection = public.publication_public(publication.pk)
    choices = _result_choices(publication)
    if request.POST.get("step") != "file":
        form = ObjectionFileForm(initial={**lookup.cleaned_data, "result": choices[0][0] if len(choices) == 1 else None},
                                 results=choices)
        return render(request, "disclosure/portal/objection.html", {**context, "form": form, "inspection": inspection})
    form = ObjectionFileForm(request.POST, results=choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            objection = services.objection_file(
                uscc=data["uscc"], verification_code=data["verification_code"], result_id=data["result"],
                statement=data["statement"], contact_name=data["contact_name"], contact_phone=data["contact_phone"],
            )
        except DomainError as exc:
            placed = False
            for err in exc.errors:
                if err.field in form.fields:
                    form.add_error(err.field, err.message)
                    placed = True
            if not placed or exc.code == "objection_window_closed":
                form.add_error(None, exc.message)
        else:
            return redirect("disclosure:portal-objection-receipt", reference=objection.reference)
    return render(request, "disclosure/portal/objection.html", {**context, "form": form, "inspection": inspection},
                  status=422)


@require_GET
@portal
def objection_receipt(request: HttpRequest, reference: str) -> HttpResponseBase:
    """The receipt page: the reference number, status and, once reviewed, the outcome (no contact data)."""
    objection = (Objection.objects.select_related("publication", "publication__entity", "result")
                 .filter(reference=reference.upper()).first())
    if objection is None:
        raise Http404("未找到该异议")
    response = render(request, "disclosure/portal/objection_receipt.html", {
        "title": "异议受理回执", "nav": "objection", "objection": objection,
        "entity_url": reverse("disclosure:portal-entity", args=[objection.publication.entity.uscc]),
    })
    response["Cache-Control"] = "no-store"
    return response
