from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "jianguan.plans"
    label = "plans"
    verbose_name = "抽查计划"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.core.jobs import register_table_spec
        from jianguan.plans.cards import review_inbox_card
        from jianguan.plans.tables import PlanTableSpec

        register_nav(NavItem("抽查计划", "plans:plan-list", "plans.plan"))
        register_nav(NavItem("计划审查", "plans:review-inbox", "plans.plan",
                             any_of=("plans.plan:legal_check", "plans.plan:justice_review")))
        register_nav(NavItem("抽查任务", "plans:task-list", "plans.task"))
        register_card(review_inbox_card)
        register_table_spec("plans", PlanTableSpec)
