from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jianguan.accounts"
    label = "accounts"
    verbose_name = "账户与权限"

    def ready(self) -> None:
        from jianguan.accounts import schema, signals  # noqa: F401
