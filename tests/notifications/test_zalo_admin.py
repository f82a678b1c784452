"""Registering Zalo templates in the admin, in Vietnamese (issue 17): each parameter is filled by a value
the kind of notification offers, and Zalo is asked for each template's review."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from notifications.models import ZaloTemplate
from tests.notifications.test_zalo import point_at
from tests.notifications.zalo_standin import ZaloStandIn

ADD = "admin:notifications_zalotemplate_add"


@pytest.fixture
def admin_client(client, make_user, provinces):
    client.force_login(make_user("admin", is_superuser=True, is_staff=True))
    return client


def template_form(kind, template_id, params, **extra):
    data = {
        "kind": kind,
        "template_id": template_id,
        "name": "",
        "status": "approved",
        "params-TOTAL_FORMS": str(len(params)),
        "params-INITIAL_FORMS": "0",
        "params-MIN_NUM_FORMS": "0",
        "params-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for number, (name, field, max_length) in enumerate(params):
        data[f"params-{number}-name"] = name
        data[f"params-{number}-field"] = field
        data[f"params-{number}-max_length"] = str(max_length)
    return data


def test_a_template_is_registered_with_its_parameters(admin_client):
    response = admin_client.post(
        reverse(ADD),
        template_form("shift_reminder", "301245", [("ten", "given_name", 30), ("gio", "time", 5)]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = ZaloTemplate.objects.get()
    assert str(template) == "301245 · Nhắc lịch ca trực"
    assert list(template.params.values_list("name", "field", "max_length")) == [
        ("ten", "given_name", 30),
        ("gio", "time", 5),
    ]


def test_a_value_the_kind_does_not_offer_is_refused_and_nothing_is_saved(admin_client):
    response = admin_client.post(
        reverse(ADD),
        template_form("shift_reminder", "301245", [("so_cho", "needed", 3)]),
    )
    assert response.status_code == 200
    page = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Hãy sửa các lỗi dưới đây." in page
    assert "needed không phải là một trong các lựa chọn khả thi." in page  # not offered
    # A kind that offers no value at all: the value is checked when the row is saved.
    response = admin_client.post(
        reverse(ADD), template_form("operator_test", "301299", [("so_cho", "needed", 3)])
    )
    page = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Thông báo loại “Tin nhắn thử” không có giá trị “needed”." in page
    assert not ZaloTemplate.objects.exists()


def test_bad_ids_and_lengths_are_refused(admin_client):
    response = admin_client.post(
        reverse(ADD), template_form("shift_reminder", "30-12", [("tên", "given_name", 0)])
    )
    page = response.content.decode()
    assert "Mã mẫu tin của Zalo chỉ gồm chữ số." in page
    assert "Chỉ gồm chữ cái, chữ số và dấu gạch dưới." in page
    assert not ZaloTemplate.objects.exists()


def test_a_templates_page_offers_only_its_kinds_values(admin_client):
    template = ZaloTemplate.objects.create(kind="assignment_notice", template_id="301247")
    template.params.create(name="lien_ket", field="url", max_length=200)
    response = admin_client.get(
        reverse("admin:notifications_zalotemplate_change", args=[template.pk])
    )
    soup = BeautifulSoup(response.content, "html.parser")
    chosen = soup.select_one("select[name=params-0-field] option[selected]")
    assert chosen.get_text() == "Liên kết tới ca trực của họ"
    offered = [o.get_text() for o in soup.select("select[name=params-0-field] option")]
    assert "Liên kết để đặt mật khẩu" not in offered  # another kind's link


def test_asking_zalo_records_each_templates_review(admin_client, settings):
    pending = ZaloTemplate.objects.create(kind="shift_reminder", template_id="301245")
    changelist = reverse("admin:notifications_zalotemplate_changelist")
    action = {"action": "check_with_zalo", "_selected_action": [pending.pk]}
    response = admin_client.post(changelist, action, follow=True)
    assert "Zalo đang tắt hoặc chưa được kết nối." in response.content.decode()
    with ZaloStandIn() as server:
        point_at(settings, server)
        from notifications import zalo

        zalo.connect("r0")
        response = admin_client.post(changelist, action, follow=True)
    assert "Mẫu 301245: Zalo đã duyệt." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == ZaloTemplate.Status.APPROVED
    assert pending.status_checked_at is not None
