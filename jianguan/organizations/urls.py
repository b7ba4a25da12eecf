from django.urls import path

from jianguan.organizations import views

app_name = "organizations"
urlpatterns = [
    path("departments/", views.DepartmentList.as_view(), name="department-list"),
    path("departments/new/", views.DepartmentEdit.as_view(), name="department-create"),
    path("departments/<int:pk>/", views.DepartmentDetail.as_view(), name="department-detail"),
    path("departments/<int:pk>/edit/", views.DepartmentEdit.as_view(), name="department-edit"),
    path("regions/", views.RegionList.as_view(), name="region-list"),
]
