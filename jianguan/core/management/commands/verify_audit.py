"""manage.py verify_audit: recompute the audit hash chain and name the first broken link."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from jianguan.core.audit import verify_chain


class Command(BaseCommand):
    help = "Recompute the audit chain; exit 1 and name the first broken link if it does not hold."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"审计链校验失败：{report.reason}（已校验 {report.checked} 条）")
        self.stdout.write(self.style.SUCCESS(f"审计链完整：{report.checked} 条事件，全部校验通过"))
