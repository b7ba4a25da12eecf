from typing import Any

from django.apps import AppConfig


def _entity_card(request: Any) -> dict[str, Any] | None:
    """Dashboard card: entities in the directory that the user may read, and how many are high risk."""
    from django.urls import reverse

    from jianguan.core.scoping import VIEW, scope_of
    from jianguan.entities.models import Entity

    scope = scope_of(request.user)
    if not scope.can(VIEW, Entity):
        return None
    qs = Entity.objects.visible_to(request.user).filter(is_active=True)
    return {"label": "检查对象名录", "value": qs.count(), "url": reverse("entities:entity-list"),
            "note": f"其中 D 类（高风险）{qs.filter(credit_grade='D').count()} 户"}


class EntitiesConfig(AppConfig):
    name = "jianguan.entities"
    label = "entities"
    verbose_name = "检查对象名录库"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.core.jobs import register_table_spec
        from jianguan.entities.tables import EntityTableSpec

        register_table_spec("entities", EntityTableSpec)
        register_nav(NavItem("检查对象名录", "entities:entity-list", "entities.entity"))
        register_card(_entity_card)
