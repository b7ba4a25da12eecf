from typing import Any

from rest_framework import viewsets

from jianguan.core.api.viewsets import RegistryViewSet
from jianguan.organizations import selectors, services
from jianguan.organizations.api.serializers import (
    DepartmentSerializer,
    DepartmentWriteSerializer,
    RegionSerializer,
)
from jianguan.organizations.models import Department, Region


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    """Region codes (read-only reference data). Filter with ?q=, ?level=, ?parent=."""

    serializer_class = RegionSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return selectors.region_list(user=self.request.user, filters=self.request.query_params.dict())


class DepartmentViewSet(RegistryViewSet):
    """Departments. Filter with ?q=, ?level=, ?kind=, ?region=."""

    model = Department
    serializer_class = DepartmentSerializer
    write_serializer_class = DepartmentWriteSerializer
    create_service = services.department_create
    update_service = services.department_update
    deactivate_service = services.department_deactivate

    def get_queryset(self) -> Any:
        return selectors.department_list(user=self.request.user, filters=self.request.query_params.dict())
