from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jianguan.core.api.viewsets import RegistryViewSet
from jianguan.entities import selectors, services
from jianguan.entities.api.serializers import EntitySerializer, EntityWriteSerializer
from jianguan.entities.models import Entity

FILTERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="名称包含或统一社会信用代码前缀"),
    OpenApiParameter("region", OpenApiTypes.STR, description="区划代码：含其下级区划（430300 = 湘潭市全市）"),
    OpenApiParameter("industry", OpenApiTypes.STR, description="行业门类字母（F）或两位大类代码（52）"),
    OpenApiParameter("section", OpenApiTypes.STR, description="行业门类字母"),
    OpenApiParameter("kind", OpenApiTypes.STR, description="enterprise / individual_business / farmer_cooperative / other"),
    OpenApiParameter("status", OpenApiTypes.STR, description="operating / closed / revoked / cancelled / moved_out"),
    OpenApiParameter("credit_grade", OpenApiTypes.STR, description="A、B、C、D，或 none（未评级）"),
    OpenApiParameter("tag", OpenApiTypes.STR, description="标签编码"),
    OpenApiParameter("licence", OpenApiTypes.STR, description="持有该类型许可证"),
    OpenApiParameter("competent_department", OpenApiTypes.STR, description="主管部门编码或 id"),
    OpenApiParameter("department", OpenApiTypes.STR, description="录入部门编码或 id"),
    OpenApiParameter("is_active", OpenApiTypes.BOOL, description="true = 在名录中，false = 已移出；缺省为全部"),
]


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class EntityViewSet(RegistryViewSet):
    """Market entities (检查对象名录库).

    Readable by every department whose jurisdiction contains the entity's region; writable by the
    maintaining department and the competent departments. Deactivate instead of delete. Look up by id,
    or by unified social credit code at ``by-uscc/{uscc}/``.
    """

    model = Entity
    serializer_class = EntitySerializer
    write_serializer_class = EntityWriteSerializer
    create_service = services.entity_create
    update_service = services.entity_update
    deactivate_service = services.entity_deactivate

    def base_queryset(self) -> Any:
        return Entity.objects.select_related("industry", "region", "department").prefetch_related(
            "competent_departments", "tags", "licences")

    def get_queryset(self) -> Any:
        if self.action == "list":
            return selectors.entity_list_for_export(user=self.request.user,
                                                    filters=self.request.query_params.dict())
        return self.base_queryset().visible_to(self.request.user)

    @extend_schema(responses=EntitySerializer)
    @action(detail=False, methods=["get"], url_path=r"by-uscc/(?P<uscc>[0-9A-Za-z]{18})")
    def by_uscc(self, request: Request, uscc: str) -> Response:
        """One entity by its unified social credit code (404 if unknown or out of scope)."""
        entity = selectors.entity_get(user=request.user, uscc=uscc)
        return Response(self.serializer_class(entity, context=self.get_serializer_context()).data)
