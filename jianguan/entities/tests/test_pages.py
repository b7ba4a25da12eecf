from __future__ import annotations

import io
import random
from typing import Any

import pytest
from django.test import Client

from jianguan.entities.models import Entity
from jianguan.entities.uscc import generate_uscc

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_grade_badges_and_masked_representatives(county_staff: Any, county_entity: Entity) -> None:
    response = _client(county_staff).get("/entities/")
    html = response.content.decode()
    assert response.status_code == 200
    assert county_entity.name in html and '<span class="badge B"' in html
    assert "张*" in html and "张三" not in html


def test_the_detail_shows_licences_and_history(county_staff: Any, county_entity: Entity) -> None:
    from jianguan.entities import services

    services.entity_update(county_entity, by=county_staff, data={"credit_grade": "C",
                                                                 "licences": ["食品经营许可证:JY1"]})
    html = _client(county_staff).get(f"/entities/{county_entity.pk}/").content.decode()
    assert "JY1" in html and "变更历史" in html and "信用风险等级：B → C" in html


def test_a_reader_who_may_not_edit_sees_the_representative_masked(city_inspector: Any, county_entity: Entity) -> None:
    html = _client(city_inspector).get(f"/entities/{county_entity.pk}/").content.decode()
    assert "张*" in html and "张三" not in html and "编辑" not in html


def test_an_out_of_scope_detail_is_404(peer_staff: Any, county_entity: Entity) -> None:
    assert _client(peer_staff).get(f"/entities/{county_entity.pk}/").status_code == 404


def test_the_form_creates_an_entity_and_shows_errors_beside_the_field(county_staff: Any) -> None:
    client = _client(county_staff)
    uscc = generate_uscc(random.Random(5), "430302")
    form = {"uscc": uscc, "name": "湘潭市雨湖区众诚商贸有限公司", "kind": "enterprise", "industry": "52",
            "region": "430304", "status": "operating"}
    response = client.post("/entities/new/", form)
    assert response.status_code == 422 and "不在您的辖区内" in response.content.decode()
    response = client.post("/entities/new/", {**form, "region": "430302"})
    assert response.status_code == 302
    entity = Entity.objects.get(uscc=uscc)
    assert response["Location"] == f"/entities/{entity.pk}/"


def test_the_edit_page_is_forbidden_to_a_reader(city_inspector: Any, county_entity: Entity) -> None:
    assert _client(city_inspector).get(f"/entities/{county_entity.pk}/edit/").status_code == 403


def test_deactivating_from_the_detail_page(county_staff: Any, county_entity: Entity) -> None:
    response = _client(county_staff).post(f"/entities/{county_entity.pk}/deactivate/")
    assert response.status_code == 302
    county_entity.refresh_from_db()
    assert not county_entity.is_active
    listed = _client(county_staff).get("/entities/").content.decode()
    assert county_entity.name not in listed  # the list shows the directory (active entities) by default
    assert county_entity.name in _client(county_staff).get("/entities/?is_active=all").content.decode()


def test_the_import_page_imports_a_csv(county_staff: Any) -> None:
    uscc = generate_uscc(random.Random(8), "430302")
    content = ("统一社会信用代码,名称,行业代码,所在区划代码\n" f"{uscc},湘潭市雨湖区韶峰物流有限公司,54,430302\n").encode()
    upload = io.BytesIO(content)
    upload.name = "名录.csv"
    response = _client(county_staff).post("/entities/import/", {"file": upload})
    assert response.status_code == 200, response.content.decode()[:500]
    assert Entity.objects.filter(uscc=uscc).exists()


def test_export_csv_has_the_import_headers(county_staff: Any, county_entity: Entity) -> None:
    response = _client(county_staff).get("/entities/?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert body.splitlines()[0].startswith("统一社会信用代码,名称,主体类型,行业代码,所在区划代码")
    assert county_entity.uscc in body


def test_export_xlsx(county_staff: Any, county_entity: Entity) -> None:
    response = _client(county_staff).get("/entities/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
