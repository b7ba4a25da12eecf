"""URL wiring: each app owns its pages and its API routes; the API lives under /api/v1/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from jianguan.core.views import healthz

api_v1 = [
    path("", include("jianguan.organizations.api.urls")),
    path("", include("jianguan.entities.api.urls")),
    path("", include("jianguan.inspectors.api.urls")),
    path("", include("jianguan.catalog.api.urls")),
    path("", include("jianguan.workdays.api.urls")),
    path("", include("jianguan.plans.api.urls")),
    path("", include("jianguan.draws.api.urls")),
    path("", include("jianguan.inspections.api.urls")),
    path("", include("jianguan.disclosure.api.urls")),
]

urlpatterns = [
    path("", include("jianguan.core.urls")),
    path("accounts/", include("jianguan.accounts.urls")),
    path("org/", include("jianguan.organizations.urls")),
    path("entities/", include("jianguan.entities.urls")),
    path("inspectors/", include("jianguan.inspectors.urls")),
    path("catalog/", include("jianguan.catalog.urls")),
    path("calendar/", include("jianguan.workdays.urls")),
    path("plans/", include("jianguan.plans.urls")),
    path("draws/", include("jianguan.draws.urls")),
    path("inspections/", include("jianguan.inspections.urls")),
    path("public/", include("jianguan.disclosure.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
]
