"""manage.py demo_logins: print the demo accounts, one per role."""

from typing import Any

from django.core.management.base import BaseCommand

from jianguan.accounts.models import User
from jianguan.demo.world import DEMO_PASSWORD, LOGINS


class Command(BaseCommand):
    help = "Print the demo logins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="where the server listens")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        users = {u.username: u for u in User.objects.select_related("department").filter(username__in=[x.username for x in LOGINS])}
        for login in LOGINS:
            user = users.get(login.username)
            if user is None:
                continue
            dept = user.department.name if user.department else "—"
            self.stdout.write(f"  {login.username:<14} {user.get_role_display():<22} {dept}")
        self.stdout.write(f"\n打开 {options['url']} 登录（公示平台：{options['url'].rstrip('/')}/public/）\n")
