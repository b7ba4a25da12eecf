from django.urls import path

from jianguan.entities import views

app_name = "entities"
urlpatterns = [
    path("", views.EntityList.as_view(), name="entity-list"),
    path("new/", views.EntityEdit.as_view(), name="entity-create"),
    path("import/", views.EntityImport.as_view(), name="entity-import"),
    path("<int:pk>/", views.EntityDetail.as_view(), name="entity-detail"),
    path("<int:pk>/edit/", views.EntityEdit.as_view(), name="entity-edit"),
    path("<int:pk>/deactivate/", views.EntityDeactivate.as_view(), name="entity-deactivate"),
]
