from django.urls import path

from jianguan.core import views

app_name = "core"
urlpatterns = [
    path("", views.Dashboard.as_view(), name="dashboard"),
    path("jobs/<uuid:pk>/", views.JobPage.as_view(), name="job"),
    path("templates/<str:name>/", views.TemplateDownload.as_view(), name="table-template"),
]
