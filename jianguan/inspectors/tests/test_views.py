"""HTML pages: list with filing status, detail with qualifications, recusals and history, forms."""

from __future__ import annotations

from typing import Any

import pytest

from jianguan.inspectors import services
from jianguan.inspectors.factories import RecusalFactory
from jianguan.inspectors.models import DirectoryFiling, Inspector, Recusal

pytestmark = pytest.mark.django_db


def test_the_list_shows_inspectors_and_the_quarterly_filing_status(client: Any, city_admin: Any,
                                                                    city_insp: Any) -> None:
    client.force_login(city_admin)
    page = client.get("/inspectors/").content.decode()
    assert "王建军" in page and "湘4303000001" in page and "食品安全" in page
    assert "未报备" in page and "报备本季度名录" in page
    assert "执法检查人员" in page  # the navigation item


def test_the_filing_button_files_and_the_badge_turns_to_filed(client: Any, city_admin: Any, city_insp: Any) -> None:
    client.force_login(city_admin)
    response = client.post("/inspectors/filings/new/", follow=True)
    assert DirectoryFiling.objects.filter(department=city_admin.department).count() == 1
    assert "本季度已报备" in response.content.decode()


def test_filing_an_empty_directory_shows_the_rule_instead_of_failing(client: Any, city_admin: Any) -> None:
    client.force_login(city_admin)
    response = client.post("/inspectors/filings/new/", follow=True)
    assert "没有在册人员" in response.content.decode() and not DirectoryFiling.objects.exists()


def test_staff_see_no_filing_button_and_cannot_file(client: Any, city_staff: Any, city_insp: Any) -> None:
    client.force_login(city_staff)
    assert "报备本季度名录" not in client.get("/inspectors/").content.decode()
    assert client.post("/inspectors/filings/new/").status_code == 403


def test_the_detail_shows_qualifications_recusals_and_history(client: Any, city_admin: Any, city_insp: Any) -> None:
    services.inspector_update(city_insp, by=city_admin, data={"phone": "13900001111"})
    RecusalFactory(inspector=city_insp, reason="其兄为该公司股东")
    client.force_login(city_admin)
    page = client.get(f"/inspectors/{city_insp.pk}/").content.decode()
    assert "食品安全" in page and "其兄为该公司股东" in page and "登记回避" in page
    assert "联系电话：13807320001 → 13900001111" in page


def test_readers_who_cannot_edit_see_masked_phones_even_in_the_history(client: Any, city_admin: Any,
                                                                        justice_reviewer: Any,
                                                                        city_insp: Any) -> None:
    services.inspector_update(city_insp, by=city_admin, data={"phone": "13900001111"})
    client.force_login(justice_reviewer)
    page = client.get(f"/inspectors/{city_insp.pk}/").content.decode()
    assert "139****1111" in page and "13900001111" not in page and "13807320001" not in page
    assert "编辑" not in page and "移出名录" not in page


def test_peer_staff_get_404_for_another_countys_inspector(client: Any, peer_staff: Any, county_insp: Any) -> None:
    client.force_login(peer_staff)
    assert client.get(f"/inspectors/{county_insp.pk}/").status_code == 404


def test_the_create_form_puts_the_rule_beside_the_field(client: Any, city_admin: Any) -> None:
    client.force_login(city_admin)
    response = client.post("/inspectors/new/", {"department": city_admin.department_id, "name": "欧阳文",
                                                "category": "civil_servant", "certificate_no": "湘4303888888",
                                                "region": "440300"})
    assert response.status_code == 422
    assert "不在「湘潭市市场监督管理局」的辖区" in response.content.decode()
    assert not Inspector.objects.exists()


def test_the_create_form_adds_an_inspector_and_goes_to_the_detail(client: Any, city_admin: Any, food: Any) -> None:
    client.force_login(city_admin)
    response = client.post("/inspectors/new/", {"department": city_admin.department_id, "name": "欧阳文",
                                                "category": "civil_servant", "certificate_no": "湘4303888888",
                                                "qualifications": ["food_safety"], "region": "430302"})
    inspector = Inspector.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/inspectors/{inspector.pk}/"


def test_the_edit_form_of_a_lower_levels_inspector_is_forbidden(client: Any, city_admin: Any,
                                                                county_insp: Any) -> None:
    client.force_login(city_admin)
    assert client.get(f"/inspectors/{county_insp.pk}/edit/").status_code == 403


def test_deactivate_and_reactivate_buttons(client: Any, city_admin: Any, city_insp: Any) -> None:
    client.force_login(city_admin)
    client.post(f"/inspectors/{city_insp.pk}/deactivate/")
    city_insp.refresh_from_db()
    assert not city_insp.is_active
    client.post(f"/inspectors/{city_insp.pk}/reactivate/")
    city_insp.refresh_from_db()
    assert city_insp.is_active


def test_a_recusal_is_added_from_the_inspector_page_by_credit_code(client: Any, city_admin: Any, city_insp: Any,
                                                                   city_entity: Any) -> None:
    client.force_login(city_admin)
    response = client.post(f"/inspectors/{city_insp.pk}/recusals/new/",
                           {"entity": city_entity.uscc.lower(), "reason": "曾在该公司任职"})
    assert response.status_code == 302
    recusal = Recusal.objects.get()
    assert (recusal.inspector, recusal.entity) == (city_insp, city_entity)
    client.post(f"/inspectors/recusals/{recusal.pk}/deactivate/")
    recusal.refresh_from_db()
    assert not recusal.is_active


def test_a_recusal_of_an_invisible_entity_is_refused_on_the_form(client: Any, city_admin: Any, city_insp: Any,
                                                                 gd_entity: Any) -> None:
    client.force_login(city_admin)
    response = client.post(f"/inspectors/{city_insp.pk}/recusals/new/", {"entity": gd_entity.uscc, "reason": "x"})
    assert response.status_code == 422 and "不在您的可见范围内" in response.content.decode()


def test_the_filing_pages_show_the_filed_directory_and_its_csv(client: Any, city_admin: Any,
                                                               justice_reviewer: Any, city_insp: Any) -> None:
    filing = services.directory_file_quarter(by=city_admin)
    client.force_login(justice_reviewer)
    assert filing.quarter in client.get("/inspectors/filings/").content.decode()
    page = client.get(f"/inspectors/filings/{filing.pk}/").content.decode()
    assert filing.directory_sha256 in page and "行政执法类公务员" in page
    csv_response = client.get(f"/inspectors/filings/{filing.pk}/", {"format": "csv"})
    assert csv_response.content.decode("utf-8") == filing.directory_csv


def test_the_dashboard_card_counts_active_inspectors(client: Any, city_admin: Any, city_insp: Any) -> None:
    client.force_login(city_admin)
    page = client.get("/").content.decode()
    assert "执法检查人员（在册）" in page and "本部门名录未报备" in page


def test_every_page_renders_for_a_department_admin(client: Any, city_admin: Any, city_insp: Any) -> None:
    client.force_login(city_admin)
    for url in ["/inspectors/", "/inspectors/new/", f"/inspectors/{city_insp.pk}/edit/", "/inspectors/import/",
                f"/inspectors/{city_insp.pk}/recusals/new/", "/inspectors/filings/", "/templates/inspectors/"]:
        assert client.get(url).status_code == 200, url
    edit = client.get(f"/inspectors/{city_insp.pk}/edit/").content.decode()
    assert 'value="湘4303000001"' in edit and "checked" in edit  # the qualification box is ticked
