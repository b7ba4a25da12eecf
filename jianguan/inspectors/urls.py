from django.urls import path

from jianguan.inspectors import views

app_name = "inspectors"
urlpatterns = [
    path("", views.InspectorList.as_view(), name="inspector-list"),
    path("new/", views.InspectorEdit.as_view(), name="inspector-create"),
    path("import/", views.InspectorImport.as_view(), name="inspector-import"),
    path("<int:pk>/", views.InspectorDetail.as_view(), name="inspector-detail"),
    path("<int:pk>/edit/", views.InspectorEdit.as_view(), name="inspector-edit"),
    path("<int:pk>/deactivate/", views.InspectorSetActive.as_view(active=False), name="inspector-deactivate"),
    path("<int:pk>/reactivate/", views.InspectorSetActive.as_view(active=True), name="inspector-reactivate"),
    path("<int:pk>/recusals/new/", views.RecusalCreate.as_view(), name="recusal-create"),
    path("recusals/<int:pk>/deactivate/", views.RecusalDeactivate.as_view(), name="recusal-deactivate"),
    path("filings/", views.FilingList.as_view(), name="filing-list"),
    path("filings/new/", views.FilingCreate.as_view(), name="filing-create"),
    path("filings/<int:pk>/", views.FilingDetail.as_view(), name="filing-detail"),
]
