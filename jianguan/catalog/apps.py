from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "jianguan.catalog"
    label = "catalog"
    verbose_name = "监管事项清单"

    def ready(self) -> None:
        from jianguan.catalog.tables import CatalogItemTableSpec, InspectionItemTableSpec
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.core.jobs import register_table_spec

        register_nav(NavItem("监管事项目录", "catalog:catalogitem-list", "catalog.catalogitem"))
        register_nav(NavItem("随机抽查事项清单", "catalog:inspectionitem-list", "catalog.inspectionitem"))
        register_table_spec("catalog_items", CatalogItemTableSpec)
        register_table_spec("inspection_items", InspectionItemTableSpec)
        register_card(inspection_item_card)


def inspection_item_card(request: Any) -> dict[str, Any] | None:
    """Dashboard: published items in reach, and drafts waiting to be published."""
    from django.urls import reverse

    from jianguan.catalog.choices import PublicationState
    from jianguan.catalog.models import InspectionItem
    from jianguan.catalog.selectors import inspection_item_list
    from jianguan.core.scoping import VIEW, scope_of

    if not scope_of(request.user).can(VIEW, InspectionItem):
        return None
    qs = inspection_item_list(user=request.user, filters={"is_active": True})
    published = qs.filter(publication_state=PublicationState.PUBLISHED).count()
    drafts = qs.filter(publication_state=PublicationState.DRAFT).count()
    return {"label": "随机抽查事项（已公开）", "value": published, "url": reverse("catalog:inspectionitem-list"),
            "note": f"草稿 {drafts} 项" if drafts else "清单之外无监管"}
