"""Every draw's public record, the verify bundle (checked with tools/verify_draw.py) and the per-entity check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jianguan.disclosure import drawrecord, services
from jianguan.disclosure.choices import WithholdReason
from jianguan.disclosure.factories import reviewed_visit
from jianguan.disclosure.tests.conftest import LEGAL_REP
from jianguan.disclosure.tests.helpers import body, published_draw, run_verifier, unzip
from jianguan.draws.models import DrawSelection
from jianguan.entities.factories import EntityFactory

pytestmark = pytest.mark.django_db
VECTORS = Path(__file__).resolve().parents[2] / "draws" / "vectors"


@pytest.fixture
def draw(task: Any, city_staff: Any) -> Any:
    return published_draw(task, city_staff)


def test_the_draw_page_shows_parameters_hashes_quotas_cutoffs_witnesses_tickets_and_teams(draw: Any) -> None:
    page = Client().get(f"/public/draws/{draw.pk}/").content.decode()
    view = drawrecord.parse_record(_record(draw))
    assert draw.reference in page and draw.snapshot_hash in page and draw.params_hash in page
    assert [g.cutoff in page for g in view.grades if g.cutoff] == [True] * sum(1 for g in view.grades if g.quota)
    assert "政策法规处 刘洋" in page and "550914" in page
    for sel in DrawSelection.objects.filter(draw=draw).select_related("entity"):
        assert sel.entity.uscc in page and sel.ticket in page and sel.entity.name in page
    member = draw.team_members.select_related("inspector").first().inspector
    assert member.name in page and member.certificate_no in page and member.phone not in page
    assert LEGAL_REP not in page
    assert "python3 verify_draw.py record.json snapshot.csv" in page


def _record(draw: Any) -> bytes:
    return Client().get(f"/public/draws/{draw.pk}/record.json").content


def test_the_record_download_is_the_stored_record(draw: Any) -> None:
    from jianguan.draws import files

    assert _record(draw) == files.read(draw.record_path)


def test_the_verify_bundle_verifies_with_the_shipped_verifier(draw: Any, tmp_path: Path) -> None:
    response = Client().get(f"/public/draws/{draw.pk}/verify.zip")
    assert response["Content-Type"] == "application/zip"
    names = unzip(body(response), tmp_path)
    assert names == ["README.txt", "record.json", "snapshot.csv", "verify_draw.py"]
    result = run_verifier(tmp_path, "record.json", "snapshot.csv")
    assert (result.returncode, result.stdout.strip().splitlines()[-1]) == (0, "OK"), result.stdout + result.stderr
    assert "python3 verify_draw.py record.json snapshot.csv" in (tmp_path / "README.txt").read_text(encoding="utf-8")


def test_a_tampered_bundle_fails_verification(draw: Any, tmp_path: Path) -> None:
    unzip(body(Client().get(f"/public/draws/{draw.pk}/verify.zip")), tmp_path)
    record = json.loads((tmp_path / "record.json").read_text(encoding="utf-8"))
    record["selected"][0]["ticket"] = "0" * 32
    (tmp_path / "record.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    result = run_verifier(tmp_path, "record.json", "snapshot.csv")
    assert result.returncode == 1 and result.stdout.startswith("MISMATCH")


def test_a_withheld_snapshot_leaves_the_bundle_and_the_download(draw: Any, city_staff: Any, tmp_path: Path) -> None:
    services.draw_disclosure_set(draw, by=city_staff, is_snapshot_public=False, reason=WithholdReason.TRADE_SECRET,
                                 basis="名录含未公开的信用等级")
    web = Client()
    assert web.get(f"/public/draws/{draw.pk}/snapshot.csv").status_code == 404
    names = unzip(body(web.get(f"/public/draws/{draw.pk}/verify.zip")), tmp_path)
    assert "snapshot.csv" not in names
    chosen = DrawSelection.objects.filter(draw=draw).select_related("entity")[0]
    result = run_verifier(tmp_path, "record.json", "--entity", chosen.entity.uscc)
    assert result.returncode == 0 and "SELECTED (ticket <= cutoff)" in result.stdout, result.stdout + result.stderr


def test_withholding_a_snapshot_needs_a_legal_ground(draw: Any, city_staff: Any) -> None:
    from jianguan.core.exceptions import ValidationFailed

    with pytest.raises(ValidationFailed):
        services.draw_disclosure_set(draw, by=city_staff, is_snapshot_public=False, reason="", basis="")


def test_my_entity_check_shows_the_ticket_against_the_cutoff(draw: Any) -> None:
    web = Client()
    chosen = DrawSelection.objects.filter(draw=draw).select_related("entity")[0]
    page = web.get(f"/public/draws/{draw.pk}/check/", {"uscc": chosen.entity.uscc}).content.decode()
    assert "已被抽中" in page and chosen.ticket in page and "抽签号 ≤ 分界值" in page
    drawn = set(DrawSelection.objects.filter(draw=draw).values_list("entity__uscc", flat=True))
    other = next(e for e in draw.task.department.maintained_entities.all() if e.uscc not in drawn)
    page = web.get(f"/public/draws/{draw.pk}/check/", {"uscc": other.uscc}).content.decode()
    assert "未被抽中" in page and "抽签号 > 分界值" in page
    stranger = EntityFactory.create(region_id="440300")
    assert "不在本次抽取名录中" in web.get(f"/public/draws/{draw.pk}/check/", {"uscc": stranger.uscc}).content.decode()
    assert "18 位" in web.get(f"/public/draws/{draw.pk}/check/", {"uscc": "123"}).content.decode()


def test_the_notice_code_leads_to_the_published_draw(draw: Any, team: list[Any]) -> None:
    chosen = DrawSelection.objects.filter(draw=draw).select_related("entity")[0]
    visit = reviewed_visit(draw.task, chosen.entity, team, draw=draw)
    page = Client().get(f"/public/verify/{visit.verification_code}/").content.decode()
    assert f"/public/draws/{draw.pk}/" in page and chosen.entity.name in page


def test_unpublished_draws_are_not_public(task: Any, city_staff: Any) -> None:
    from jianguan.inspections.factories import published_draw_rows

    hidden = published_draw_rows(task, [], status="executed")
    assert Client().get(f"/public/draws/{hidden.pk}/").status_code == 404


@pytest.mark.parametrize("name", ["small", "small_sm4", "medium"])
def test_bundles_assembled_from_the_committed_vectors_verify(name: str, tmp_path: Path) -> None:
    record = (VECTORS / f"{name}_record.json").read_bytes()
    snapshot = (VECTORS / f"{name}_snapshot.csv").read_bytes()
    unzip(drawrecord.verify_bundle(record, snapshot, title=name), tmp_path)
    result = run_verifier(tmp_path, "record.json", "snapshot.csv")
    assert (result.returncode, result.stdout.strip().splitlines()[-1]) == (0, "OK"), result.stdout + result.stderr


def test_the_entity_check_agrees_with_the_verifier_on_the_vectors() -> None:
    view = drawrecord.parse_record((VECTORS / "small_record.json").read_bytes())
    snapshot = (VECTORS / "small_snapshot.csv").read_bytes()
    check = drawrecord.check_entity(view, "9143030000PWP4YYK4", snapshot, snapshot_public=True)
    # docs/draw-spec.md §10, the hand-checked values
    assert (check.block, check.k_draw, check.ticket) == ("2ed80962e6c78c744924357cf82ff0f5",
                                                         "ab061d2cdf44707f3b250e185f0f6433",
                                                         "06f8d067f5165ef729c6b68197e8cca4")
    assert (check.grade, check.cutoff, check.is_selected, check.ticket_below_cutoff) == (
        "A", "1c3945e6e1224e86d85051e31c142ae8", True, True)
