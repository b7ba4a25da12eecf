from django.urls import path, re_path

from jianguan.catalog import views

app_name = "catalog"
urlpatterns = [
    path("items/", views.CatalogItemList.as_view(), name="catalogitem-list"),
    path("items/new/", views.CatalogItemEdit.as_view(), name="catalogitem-create"),
    path("items/import/", views.CatalogItemImport.as_view(), name="catalogitem-import"),
    path("items/<int:pk>/", views.CatalogItemDetail.as_view(), name="catalogitem-detail"),
    path("items/<int:pk>/edit/", views.CatalogItemEdit.as_view(), name="catalogitem-edit"),
    path("items/<int:pk>/deactivate/", views.CatalogItemDeactivate.as_view(), name="catalogitem-deactivate"),
    path("inspection-items/", views.InspectionItemList.as_view(), name="inspectionitem-list"),
    path("inspection-items/new/", views.InspectionItemEdit.as_view(), name="inspectionitem-create"),
    path("inspection-items/import/", views.InspectionItemImport.as_view(), name="inspectionitem-import"),
    path("inspection-items/<int:pk>/", views.InspectionItemDetail.as_view(), name="inspectionitem-detail"),
    path("inspection-items/<int:pk>/edit/", views.InspectionItemEdit.as_view(), name="inspectionitem-edit"),
    re_path(r"^inspection-items/(?P<pk>[0-9]+)/(?P<action>publish|withdraw|deactivate)/$",
            views.InspectionItemAction.as_view(), name="inspectionitem-action"),
    path("filings/", views.FilingPage.as_view(), name="filing-list"),
]
