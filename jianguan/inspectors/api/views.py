from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from jianguan.core.api.viewsets import RegistryViewSet
from jianguan.core.scoping import get_visible
from jianguan.inspectors import selectors, services
from jianguan.inspectors.api.serializers import (
    DirectoryFilingDetailSerializer,
    DirectoryFilingSerializer,
    DirectoryFilingWriteSerializer,
    InspectorSerializer,
    InspectorWriteSerializer,
    RecusalSerializer,
    RecusalWriteSerializer,
)
from jianguan.inspectors.models import DirectoryFiling, Inspector, Recusal


def _param(name: str, description: str, type_: type = str) -> OpenApiParameter:
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, required=False, description=description)


IS_ACTIVE = _param("is_active", "true 只看在册/有效的，false 只看已停用的", bool)


@extend_schema_view(list=extend_schema(parameters=[
    _param("q", "姓名或执法证号（包含）"),
    _param("department", "所属部门 id", int),
    _param("category", "人员类别：civil_servant / qualified_staff / daily_supervision"),
    _param("qualification", "执法资格领域编码，如 food_safety"),
    _param("region", "执法区域代码或前缀：430300 表示整个湘潭市"),
    IS_ACTIVE,
]))
class InspectorViewSet(RegistryViewSet):
    """The inspector directory (执法检查人员名录库) [003].

    Staff of a department read and write their own department's inspectors (department admins);
    upper levels and oversight roles read them. Phone numbers are masked unless you may edit the
    inspector. There is no DELETE: `POST …/deactivate/` takes a person out of the directory.
    """

    model = Inspector
    serializer_class = InspectorSerializer
    write_serializer_class = InspectorWriteSerializer
    create_service = services.inspector_create
    update_service = services.inspector_update
    deactivate_service = services.inspector_deactivate

    def base_queryset(self) -> Any:
        return selectors.inspector_queryset(self.request.user)

    def get_queryset(self) -> Any:
        return selectors.inspector_list(user=self.request.user, filters=self.request.query_params.dict())


@extend_schema_view(list=extend_schema(parameters=[
    _param("inspector", "执法检查人员 id", int),
    _param("entity", "检查对象 id", int),
    _param("department", "部门 id", int),
    IS_ACTIVE,
]))
class RecusalViewSet(RegistryViewSet):
    """Recusals (回避): an inspector who must never be assigned to inspect an entity.

    Department admins record them for their own department's inspectors; the reason is required.
    Recusals are not edited: `POST …/deactivate/` ends one, and a new one may be recorded later.
    """

    model = Recusal
    serializer_class = RecusalSerializer
    write_serializer_class = RecusalWriteSerializer
    create_service = services.recusal_create
    update_service = services.recusal_deactivate  # never reached: PUT/PATCH are not offered
    deactivate_service = services.recusal_deactivate
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> Any:
        return selectors.recusal_list(user=self.request.user, filters=self.request.query_params.dict())


@extend_schema_view(list=extend_schema(parameters=[
    _param("department", "部门 id", int),
    _param("quarter", "季度，如 2026Q4"),
]))
class DirectoryFilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[DirectoryFiling]):
    """Quarterly filings of the inspector directory with the justice bureau [003].

    `POST` files the department's current directory: the canonical CSV of the active inspectors
    (certificate_no, name, category, qualification codes; sorted by certificate number) and its
    SHA-256 are kept. The justice bureau and oversight roles read the filings of their region.
    """

    serializer_class = DirectoryFilingSerializer

    def get_queryset(self) -> Any:
        return selectors.filing_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_serializer_class(self) -> Any:
        if self.action == "retrieve":
            return DirectoryFilingDetailSerializer
        if self.action == "create":
            return DirectoryFilingWriteSerializer
        return DirectoryFilingSerializer

    def get_object(self) -> Any:
        return get_visible(DirectoryFiling.objects.select_related("department"), self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=DirectoryFilingWriteSerializer, responses={201: DirectoryFilingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = DirectoryFilingWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        filing = services.directory_file_quarter(
            by=request.user, department=ser.validated_data.get("department"), quarter=ser.validated_data.get("quarter"),
        )
        return Response(DirectoryFilingSerializer(filing).data, status=status.HTTP_201_CREATED)
