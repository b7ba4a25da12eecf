from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "jianguan.disclosure"
    label = "disclosure"
    verbose_name = "结果公示"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.disclosure.cards import pending_objections_card

        register_nav(NavItem("结果公示", "disclosure:staff-tasks", "disclosure.publication"))
        register_nav(NavItem("异议处理", "disclosure:staff-objections", "disclosure.objection"))
        register_card(pending_objections_card)
