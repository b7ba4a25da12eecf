"""API of the catalog: the supervision catalog, the random-inspection item list and its quarterly filings."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from jianguan.catalog import selectors, services
from jianguan.catalog.api.serializers import (
    CatalogItemSerializer,
    CatalogItemWriteSerializer,
    InspectionItemSerializer,
    InspectionItemWriteSerializer,
    ItemListFilingSerializer,
    ItemListFilingWriteSerializer,
    SupervisionDomainSerializer,
)
from jianguan.catalog.models import CatalogItem, InspectionItem, ItemListFiling
from jianguan.core.api.viewsets import RegistryViewSet
from jianguan.core.exceptions import ValidationFailed
from jianguan.core.scoping import CHANGE, ensure_can, ensure_can_edit, get_visible


class SupervisionDomainViewSet(viewsets.ReadOnlyModelViewSet[Any]):
    """Supervision domains (监管领域), read-only reference data; inspector qualifications point here."""

    serializer_class = SupervisionDomainSerializer
    lookup_field = "code"
    permission_classes: list[Any] = []

    def get_queryset(self) -> Any:
        return selectors.domain_list()


class CatalogItemViewSet(RegistryViewSet):
    """Supervision catalog items (监管事项目录清单). Filter with ?q=, ?domain=, ?department=,
    ?implementing_level=, ?is_active=. Every change raises ``version``; deactivation is refused while
    active inspection items rest on the item."""

    model = CatalogItem
    serializer_class = CatalogItemSerializer
    write_serializer_class = CatalogItemWriteSerializer
    create_service = services.catalog_item_create
    update_service = services.catalog_item_update
    deactivate_service = services.catalog_item_deactivate

    def get_queryset(self) -> Any:
        return selectors.catalog_item_list(user=self.request.user, filters=self.request.query_params.dict())


class InspectionItemViewSet(RegistryViewSet):
    """Random-inspection items (随机抽查事项). Filter with ?q=, ?kind=, ?domain=, ?department=,
    ?publication_state=, ?is_active=. Published active items are readable by anyone, even anonymous [003].
    ``default_ratio_pct`` bounds by kind: general 3–20, key 20–100, special none (full coverage)."""

    model = InspectionItem
    # [003] the published list is public: anonymous callers may read it (and only it); writes need a login.
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = InspectionItemSerializer
    write_serializer_class = InspectionItemWriteSerializer
    create_service = services.inspection_item_create
    update_service = services.inspection_item_update
    deactivate_service = services.inspection_item_deactivate

    def get_queryset(self) -> Any:
        return selectors.inspection_item_list(user=self.request.user, filters=self.request.query_params.dict())

    def _transition(self, request: Request, fn: Any) -> Response:
        obj = self.get_object()
        ensure_can_edit(obj, request.user, CHANGE)
        return self._read(fn(obj, by=request.user))

    @extend_schema(request=None, responses=InspectionItemSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Publish the item (draft or withdrawn → published); 409 from any other state."""
        return self._transition(request, services.inspection_item_publish)

    @extend_schema(request=None, responses=InspectionItemSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Withdraw the item from the public list (published → withdrawn); 409 from any other state."""
        return self._transition(request, services.inspection_item_withdraw)


class ItemListFilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
    """Quarterly filings of a department's published item list with the justice bureau [003].
    POST {"quarter": "2026Q4"} files the caller's department list (count and SHA-256 of the canonical list).
    Filter with ?department=, ?quarter=."""

    serializer_class = ItemListFilingSerializer

    def get_queryset(self) -> Any:
        return selectors.filing_list(user=self.request.user, filters=self.request.query_params.dict())

    def get_object(self) -> Any:
        return get_visible(ItemListFiling.objects.all(), self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=ItemListFilingWriteSerializer, responses={201: ItemListFilingSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, CHANGE, InspectionItem)
        ser = ItemListFilingWriteSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        department = ser.validated_data.get("department") or getattr(request.user, "department", None)
        if department is None:
            raise ValidationFailed.for_field("department", "请指定监管部门", "required")
        filing = services.item_list_file_quarter(department, ser.validated_data["quarter"], by=request.user)
        return Response(ItemListFilingSerializer(filing).data, status=status.HTTP_201_CREATED)
