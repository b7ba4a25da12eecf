"""manage.py seed_demo [--entities N] [--if-empty]: build the Xiangtan demo world.

manage.py seed_demo --province CODE --entities N [--inspectors M]: build one whole real province instead
(jianguan/demo/province.py).
"""

from typing import Any

from django.core.management.base import BaseCommand

from jianguan.demo.services import demo_exists, seed_demo


class Command(BaseCommand):
    help = "Seed the demo: Xiangtan departments, logins, inspection items, inspectors and N entities."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--entities", type=int, default=5000, help="number of market entities (default 5000)")
        parser.add_argument("--seed", type=int, default=0, help="random seed (the demo is deterministic)")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if the demo is already loaded")
        parser.add_argument("--province", default="", metavar="CODE",
                            help="build this whole real province instead (e.g. 460000 Hainan, 430000 Hunan)")
        parser.add_argument("--inspectors", type=int, default=5000,
                            help="with --province: inspectors in total (default 5000)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["province"]:
            from jianguan.demo.province import seed_province

            counts = seed_province(province=options["province"], entities=options["entities"],
                                   inspectors=options["inspectors"], seed=options["seed"], log=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"省级数据已生成：{counts}"))
            return
        if options["if_empty"] and demo_exists():
            self.stdout.write("演示数据已存在，跳过（去掉 --if-empty 可追加）")
            return
        counts = seed_demo(entities=options["entities"], seed=options["seed"], log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成：{counts}"))
