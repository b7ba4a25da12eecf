"""HTML pages: lists, details with history, forms with errors beside the field, POST action buttons, filing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jianguan.catalog import services
from jianguan.catalog.models import CatalogItem, InspectionItem, ItemListFiling

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_item_list_shows_items_and_export_returns_the_same_rows(city_staff: Any, draft_item: Any,
                                                                    other_draft_item: Any) -> None:
    client = login(city_staff)
    page = client.get("/catalog/inspection-items/")
    assert page.status_code == 200
    text = page.content.decode()
    assert draft_item.code in text and other_draft_item.code not in text
    exported = client.get("/catalog/inspection-items/", {"export": "csv"})
    body = exported.getvalue().decode("utf-8-sig")
    assert body.splitlines()[0].startswith("事项编码,事项名称,目录事项编码,事项类别")
    assert draft_item.code in body and other_draft_item.code not in body


def test_the_catalog_list_and_detail_show_history_and_linked_items(city_staff: Any, draft_item: Any) -> None:
    client = login(city_staff)
    catalog = draft_item.catalog_item
    services.catalog_item_update(catalog, by=city_staff, data={"measures": "现场检查、抽样检验、查阅资料"})
    assert catalog.code in client.get("/catalog/items/").content.decode()
    detail = client.get(f"/catalog/items/{catalog.pk}/").content.decode()
    assert "变更历史" in detail and "监管措施" in detail and draft_item.code in detail


def test_editors_see_publish_buttons_and_readers_do_not(city_staff: Any, city_inspector: Any, draft_item: Any) -> None:
    url = f"/catalog/inspection-items/{draft_item.pk}/"
    assert f"{url}publish/" in login(city_staff).get(url).content.decode()
    page = login(city_inspector).get(url).content.decode()
    assert f"{url}publish/" not in page and "变更历史" in page


def test_the_publish_button_publishes_and_an_illegal_withdraw_shows_a_message(city_staff: Any, draft_item: Any) -> None:
    client = login(city_staff)
    url = f"/catalog/inspection-items/{draft_item.pk}/"
    refused = client.post(f"{url}withdraw/", follow=True)
    assert "不能变更为" in refused.content.decode()
    assert client.post(f"{url}publish/").status_code == 302
    draft_item.refresh_from_db()
    assert draft_item.publication_state == "published"


def test_a_reader_posting_an_action_gets_403_and_an_outsider_404(city_inspector: Any, outsider: Any,
                                                                 draft_item: Any) -> None:
    url = f"/catalog/inspection-items/{draft_item.pk}/publish/"
    assert login(city_inspector).post(url).status_code == 403
    assert login(outsider).post(url).status_code == 404


def test_the_create_form_shows_the_ratio_rule_beside_the_field(city_staff: Any, city_catalog_item: Any) -> None:
    client = login(city_staff)
    assert client.get("/catalog/inspection-items/new/").status_code == 200
    data = {"code": "C-FORM", "name": "价格行为检查", "catalog_item": city_catalog_item.pk, "kind": "general",
            "default_ratio_pct": "50", "methods": ["onsite"], "times_per_year": "1", "min_inspectors": "2"}
    response = client.post("/catalog/inspection-items/new/", data)
    assert response.status_code == 422
    assert "一般检查事项的抽查比例须在 3%–20% 之间 [003]" in response.content.decode()
    ok = client.post("/catalog/inspection-items/new/", data | {"default_ratio_pct": "10"})
    item = InspectionItem.objects.get(code="C-FORM")
    assert ok.status_code == 302 and ok["Location"] == f"/catalog/inspection-items/{item.pk}/"


def test_the_edit_form_of_a_catalog_item_saves_a_new_version(city_staff: Any, city_catalog_item: Any) -> None:
    client = login(city_staff)
    url = f"/catalog/items/{city_catalog_item.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": city_catalog_item.code, "name": "对产品质量的监督检查（2026版）",
                                 "domain": "industrial_product_quality", "legal_basis": "《产品质量法》第十五条",
                                 "implementing_level": "city"})
    assert response.status_code == 302
    assert CatalogItem.objects.get(pk=city_catalog_item.pk).version == 2


def test_readers_cannot_open_the_create_or_import_pages(city_inspector: Any) -> None:
    client = login(city_inspector)
    assert client.get("/catalog/inspection-items/new/").status_code == 403
    assert client.get("/catalog/items/import/").status_code == 403


def test_the_import_page_reports_row_errors(city_staff: Any, city_catalog_item: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(city_staff)
    assert client.get("/catalog/inspection-items/import/").status_code == 200
    content = ("事项编码,事项名称,目录事项编码,事项类别,默认抽查比例(%)\r\n"
               "C-1,价格行为检查,430300-ML-001,一般,30\r\n").encode()
    response = client.post("/catalog/inspection-items/import/",
                           {"file": SimpleUploadedFile("items.csv", content, "text/csv")})
    assert response.status_code == 422
    assert "一般检查事项的抽查比例须在 3%–20% 之间 [003]" in response.content.decode()
    assert not InspectionItem.objects.exists()


def test_the_filing_page_files_the_quarter(city_legal: Any, published_item: Any) -> None:
    client = login(city_legal)
    page = client.get("/catalog/filings/")
    assert page.status_code == 200 and "备案本部门已公开清单" in page.content.decode()
    quarter = services.quarter_of(timezone.localdate())
    assert client.post("/catalog/filings/", {"quarter": quarter}).status_code == 302
    assert ItemListFiling.objects.get().item_count == 1
    again = client.post("/catalog/filings/", {"quarter": quarter})
    assert again.status_code == 422 and "已经备案" in again.content.decode()


def test_readers_see_filings_without_the_filing_form(justice_reviewer: Any) -> None:
    page = login(justice_reviewer).get("/catalog/filings/")
    assert page.status_code == 200 and "备案本部门已公开清单" not in page.content.decode()


def test_navigation_lists_both_registries(city_inspector: Any) -> None:
    text = login(city_inspector).get("/catalog/items/").content.decode()
    assert "监管事项目录" in text and "随机抽查事项清单" in text


def test_the_dashboard_card_counts_published_items_and_drafts(city_staff: Any, draft_item: Any,
                                                              published_item: Any) -> None:
    from jianguan.catalog.apps import inspection_item_card

    class Request:
        user = city_staff

    card = inspection_item_card(Request())
    assert card is not None
    assert card["value"] == 1 and card["note"] == "草稿 1 项"
