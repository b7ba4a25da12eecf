from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "jianguan.organizations"
    label = "organizations"
    verbose_name = "组织与区划"

    def ready(self) -> None:
        from jianguan.core.context_processors import NavItem, register_nav

        register_nav(NavItem("监管部门", "organizations:department-list", "organizations.department"))
        register_nav(NavItem("行政区划", "organizations:region-list", "organizations.region"))
