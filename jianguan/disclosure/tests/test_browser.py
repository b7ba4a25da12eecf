"""A member of the public finds an entity, sees its published result, and verifies the draw, in a real browser."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jianguan.disclosure import services
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.tests.helpers import published_draw, run_verifier, unzip
from jianguan.draws.models import DrawSelection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_public_finds_the_entity_sees_the_result_and_verifies_the_draw(
        browser_page: Any, task: Any, team: list[Any], city_staff: Any, tmp_path: Path) -> None:
    draw = published_draw(task, city_staff)
    chosen = DrawSelection.objects.filter(draw=draw).select_related("entity").order_by("rank")[0].entity
    visit = reviewed_visit(task, chosen, team, draw=draw, results=["no_problem", "rectified"])
    services.publication_publish(visit, by=city_staff)
    fragment = chosen.name[3:9]  # a piece of the name, as a person would type it

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto("/public/")
    page.get_by_label("企业名称或统一社会信用代码").fill(fragment)
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=chosen.name).click()
    page.wait_for_url(f"**/public/entities/{chosen.uscc}/")
    assert page.get_by_role("heading", level=1).inner_text() == chosen.name
    assert "发现问题已责令改正" in page.inner_text("main")
    assert "欧阳修文" not in page.content()

    page.get_by_role("link", name="查看抽取过程并核验").click()
    page.wait_for_url(f"**/public/draws/{draw.pk}/")
    assert chosen.uscc in page.inner_text("main")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载核验包").click()
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    command = page.inner_text("pre.cmd").splitlines()[-1].split()  # python3 verify_draw.py record.json snapshot.csv

    folder = tmp_path / "bundle"
    folder.mkdir()
    assert unzip(bundle.read_bytes(), folder) == ["README.txt", "record.json", "snapshot.csv", "verify_draw.py"]
    result = run_verifier(folder, *command[2:])
    assert (result.returncode, result.stdout.strip().splitlines()[-1]) == (0, "OK"), result.stdout + result.stderr
