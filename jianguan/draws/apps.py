from django.apps import AppConfig


class DrawsConfig(AppConfig):
    name = "jianguan.draws"
    label = "draws"
    verbose_name = "双随机抽取"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_card, register_nav
        from jianguan.draws.cards import witness_inbox_card

        register_nav(NavItem("双随机抽取", "draws:draw-list", "draws.draw"))
        register_nav(NavItem("联合抽查汇总", "draws:joint-list", "draws.draw"))
        register_card(witness_inbox_card)
