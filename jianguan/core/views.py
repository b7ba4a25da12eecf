"""Generic HTML pages shared by every registry: list (filter, paginate, export), detail, form, import.

Each page is thin: it calls one selector or one service. Domain errors are shown beside the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import models
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views import View

from jianguan.core import jobs, tabular
from jianguan.core.exceptions import DomainError, OutOfScope
from jianguan.core.scoping import ADD, scope_of


@dataclass(frozen=True)
class Col:
    """One column of a list page: a header and how to get the cell from an object."""

    label: str
    value: Callable[[Any], Any]
    link: bool = False


def display(value: Any) -> Any:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


class ScopedPage(LoginRequiredMixin, View):
    """Login required; OutOfScope becomes 404 and NotPermitted 403 for every page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return super().dispatch(request, *args, **kwargs)
        except OutOfScope:
            raise Http404("未找到该记录") from None
        except DomainError as exc:
            if exc.status == 403:
                return render(request, "core/error.html", {"title": exc.title, "message": exc.message}, status=403)
            raise


class ListPage(ScopedPage):
    """Filtered, paginated list with CSV/XLSX export of the same filtered rows."""

    title: ClassVar[str] = ""
    model: ClassVar[type[models.Model]]
    columns: ClassVar[Sequence[Col]] = ()
    filter_form: ClassVar[type[forms.Form] | None] = None
    table_spec: ClassVar[type[tabular.TableSpec] | None] = None
    create_url: ClassVar[str | None] = None
    import_url: ClassVar[str | None] = None
    detail_url: ClassVar[str | None] = None
    page_size = 50
    template_name = "core/list.html"

    def selector(self, request: HttpRequest, filters: dict[str, Any]) -> Any:
        raise NotImplementedError

    def get(self, request: HttpRequest) -> HttpResponseBase:
        form = self.filter_form(request.GET or None) if self.filter_form else None
        filters: dict[str, Any] = {}
        if form is not None and form.is_bound and form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "", [])}
        qs = self.selector(request, filters)
        fmt = request.GET.get("export")
        if fmt and self.table_spec is not None:
            return export_response(self.table_spec(), qs, fmt, self.title)
        page = Paginator(qs, self.page_size).get_page(request.GET.get("page"))
        rows = []
        for obj in page.object_list:
            cells = []
            for col in self.columns:
                value = display(col.value(obj))
                if col.link and self.detail_url:
                    value = format_html('<a href="{}">{}</a>', reverse(self.detail_url, args=[obj.pk]), value)
                cells.append(value)
            rows.append(cells)
        query = request.GET.copy()
        query.pop("page", None)
        scope = scope_of(request.user)
        context = {
            "title": self.title, "form": form, "page": page, "rows": rows, "columns": self.columns,
            "query": query.urlencode(), "can_export": self.table_spec is not None,
            "create_url": reverse(self.create_url) if self.create_url and scope.can(ADD, self.model) else None,
            "import_url": reverse(self.import_url) if self.import_url and scope.can(ADD, self.model) else None,
        }
        template = "core/_table.html" if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "results" else self.template_name
        return render(request, template, context)


def export_response(spec: tabular.TableSpec, qs: Any, fmt: str, title: str) -> HttpResponseBase:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{spec.name}-{stamp}"
    iterator = qs.iterator(chunk_size=2000) if hasattr(qs, "iterator") else qs
    if fmt == "csv":
        response = StreamingHttpResponse(tabular.iter_csv_export(spec, iterator), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        fh = tabular.write_xlsx_export(spec, iterator)
        return FileResponse(fh, as_attachment=True, filename=f"{name}.xlsx",
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    raise Http404("未知的导出格式")


class FormPage(ScopedPage):
    """Create or edit through one service; domain errors land beside their field."""

    title: ClassVar[str] = ""
    form_class: ClassVar[type[forms.Form]]
    template_name = "core/form.html"

    def get_object(self, request: HttpRequest, pk: Any | None) -> Any:
        return None

    def initial(self, obj: Any) -> dict[str, Any]:
        return {}

    def save(self, request: HttpRequest, obj: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def success_url(self, obj: Any) -> str:
        raise NotImplementedError

    def make_form(self, request: HttpRequest, obj: Any, data: Any = None) -> forms.Form:
        return self.form_class(data, initial=self.initial(obj) if obj is not None else None)

    def _render(self, request: HttpRequest, form: forms.Form, obj: Any, status: int = 200) -> HttpResponseBase:
        return render(request, self.template_name, {"title": self.title, "form": form, "object": obj}, status=status)

    def get(self, request: HttpRequest, pk: Any | None = None) -> HttpResponseBase:
        obj = self.get_object(request, pk)
        return self._render(request, self.make_form(request, obj), obj)

    def post(self, request: HttpRequest, pk: Any | None = None) -> HttpResponseBase:
        obj = self.get_object(request, pk)
        form = self.make_form(request, obj, request.POST)
        if form.is_valid():
            try:
                saved = self.save(request, obj, form.cleaned_data)
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
            else:
                return redirect(self.success_url(saved))
        return self._render(request, form, obj, status=422)


class ImportForm(forms.Form):
    file = forms.FileField(label="文件（CSV 或 XLSX）")


class ImportPage(ScopedPage):
    """Upload a spreadsheet; show the report, or the progress of a background job."""

    title: ClassVar[str] = ""
    spec_name: ClassVar[str]
    model: ClassVar[type[models.Model]]
    back_url: ClassVar[str]

    def _context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        spec = jobs.TABLE_SPECS[self.spec_name]()
        return {"title": self.title, "spec": spec, "back_url": reverse(self.back_url),
                "template_url": reverse("core:table-template", args=[self.spec_name]), **extra}

    def get(self, request: HttpRequest) -> HttpResponseBase:
        from jianguan.core.scoping import ensure_can

        ensure_can(request.user, ADD, self.model)
        return render(request, "core/import.html", self._context(request, form=ImportForm()))

    def post(self, request: HttpRequest) -> HttpResponseBase:
        from jianguan.core.scoping import ensure_can

        ensure_can(request.user, ADD, self.model)
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, "core/import.html", self._context(request, form=form), status=422)
        report, job = jobs.start_import(self.spec_name, form.cleaned_data["file"], by=request.user)
        if job is not None:
            return redirect("core:job", pk=job.pk)
        status = 200 if report and report.ok else 422
        return render(request, "core/import.html", self._context(request, form=ImportForm(), report=report), status=status)


class TemplateDownload(ScopedPage):
    def get(self, request: HttpRequest, name: str) -> HttpResponseBase:
        factory = jobs.TABLE_SPECS.get(name)
        if factory is None:
            raise Http404("未知的模板")
        spec = factory()
        if request.GET.get("format") == "csv":
            response = HttpResponse(tabular.csv_template(spec), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{spec.name}-template.csv"'
            return response
        return FileResponse(tabular.write_xlsx_export(spec, [], template=True), as_attachment=True,
                            filename=f"{spec.name}-template.xlsx")


class JobPage(ScopedPage):
    def get(self, request: HttpRequest, pk: Any) -> HttpResponseBase:
        job = get_object_or_404(jobs.job_visible_to(request.user), pk=pk)
        context = {"job": job, "state": jobs.job_state(job), "title": job.title}
        if request.headers.get("HX-Request"):
            return render(request, "core/_job_state.html", context)
        return render(request, "core/job.html", context)


class Dashboard(ScopedPage):
    # Apps add their cards through core.context_processors.DASHBOARD_CARDS.
    def get(self, request: HttpRequest) -> HttpResponseBase:
        from jianguan.core.context_processors import dashboard_cards

        cards = dashboard_cards(request)
        charts = [card for card in cards if card.get("chart")]
        for n, card in enumerate(charts, start=1):
            card["chart_id"] = f"chart-{n}"
        return render(request, "core/dashboard.html", {"title": "工作台", "cards": cards, "charts": bool(charts)})


def healthz(request: HttpRequest) -> HttpResponseBase:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
