"""API base classes: every registry endpoint gets the same scope rules, services and audit trail.

Subclasses name their selector queryset, serializers and three service callables. Reads go through
``visible_to``; writes check ``editable_by`` and then call one service. Deactivate replaces delete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jianguan.core.scoping import ADD, CHANGE, ScopedQuerySet, ensure_can, ensure_can_edit, get_visible


class RegistryViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """List, retrieve, create, update (PUT/PATCH) and deactivate, all scoped."""

    model: ClassVar[type[models.Model]]
    write_serializer_class: ClassVar[type[serializers.Serializer[Any]]]
    create_service: ClassVar[Callable[..., models.Model]]
    update_service: ClassVar[Callable[..., models.Model]]
    deactivate_service: ClassVar[Callable[..., models.Model]]
    lookup_field = "pk"

    def base_queryset(self) -> ScopedQuerySet[Any]:
        return self.model._default_manager.all()  # type: ignore[return-value]

    def get_queryset(self) -> Any:
        return self.base_queryset().visible_to(self.request.user)

    def get_object(self) -> Any:
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        return get_visible(self.base_queryset(), self.request.user, **lookup)

    def get_serializer_class(self) -> Any:
        if self.action in {"create", "update", "partial_update"}:
            return self.write_serializer_class
        return self.serializer_class

    def _read(self, obj: models.Model, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=obj.pk)
        serializer_class: Any = self.serializer_class
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, status=code)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ensure_can(request.user, ADD, self.model)
        ser = self.write_serializer_class(data=request.data, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        create = type(self).create_service
        obj = create(by=request.user, data=ser.validated_data)
        return self._read(obj, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        obj = self.get_object()
        ensure_can_edit(obj, request.user, CHANGE)
        ser = self.write_serializer_class(obj, data=request.data, partial=partial, context=self.get_serializer_context())
        ser.is_valid(raise_exception=True)
        obj = type(self).update_service(obj, by=request.user, data=ser.validated_data)
        return self._read(obj)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def deactivate(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Deactivate the record (registries never hard-delete; history stays)."""
        obj = self.get_object()
        ensure_can_edit(obj, request.user, CHANGE)
        obj = type(self).deactivate_service(obj, by=request.user)
        return self._read(obj)
