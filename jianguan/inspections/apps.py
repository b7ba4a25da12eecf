from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "jianguan.inspections"
    label = "inspections"
    verbose_name = "检查实施"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.inspections.cards import visit_progress_chart
        from jianguan.inspections.views import overdue_card

        register_nav(NavItem("检查", "inspections:visit-list", "inspections.visit"))
        register_nav(NavItem("我的检查", "inspections:my-visits", "inspections.visit",
                             any_of=("inspections.inspectionrecord:add",)))
        register_nav(NavItem("逾期清单", "inspections:overdue", "inspections.visit"))
        register_nav(NavItem("后续处置", "inspections:disposal-list", "inspections.disposal"))
        register_card(overdue_card)
        register_card(visit_progress_chart)
