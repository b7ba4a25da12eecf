from django.apps import AppConfig


class InspectorsConfig(AppConfig):
    name = "jianguan.inspectors"
    label = "inspectors"
    verbose_name = "执法检查人员名录"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.core.jobs import register_table_spec
        from jianguan.inspectors.spec import InspectorTableSpec
        from jianguan.inspectors.views import inspectors_card

        register_table_spec("inspectors", InspectorTableSpec)
        register_nav(NavItem("执法检查人员", "inspectors:inspector-list", "inspectors.inspector"))
        register_card(inspectors_card)
