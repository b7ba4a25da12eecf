from typing import Any

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "jianguan.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        post_save.connect(_audit_admin_change, sender=LogEntry, dispatch_uid="jianguan_audit_admin")


def _audit_admin_change(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """Writes made in the Django admin (platform admins only) enter the audit chain too."""
    if not created:
        return
    from jianguan.core import audit

    verb = {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, "changed")
    ct = instance.content_type
    audit.record(
        actor=instance.user, action=f"admin.{verb}",
        target_type=f"{ct.app_label}.{ct.model}" if ct else "", target_id=str(instance.object_id or ""),
        target_repr=instance.object_repr, after={"message": instance.get_change_message()},
    )
