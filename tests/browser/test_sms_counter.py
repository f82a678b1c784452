import pytest

from campaign.models import Commune

pytestmark = pytest.mark.usefixtures("home_pages")


@pytest.fixture
def signed_in(page, organiser):
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("organiser")
    page.locator("#id_password").fill("correct horse battery staple")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/today/")
    return page


def test_the_compose_page_counts_segments_while_the_organiser_types(signed_in, lang_son):
    page = signed_in
    page.goto("/teams/sms/")
    counter = page.locator("#sms-counter")
    page.locator("#id_text").fill(
        "Mời tổ công nghệ số đến nhà văn hóa thôn lúc 8 giờ sáng thứ Bảy "
        "để hỗ trợ người dân cài đặt VNeID."
    )
    assert counter.is_visible()
    assert counter.locator("[data-encoding]").inner_text() == "UCS-2 (Unicode)"
    assert counter.locator("[data-segments]").inner_text() == "2"
    page.locator("#id_without_diacritics").check()
    assert counter.locator("[data-encoding]").inner_text() == "GSM-7"
    assert counter.locator("[data-units]").inner_text() == "108 / 160"
    assert counter.locator("[data-segments]").inner_text() == "1"

    # The server's preview agrees.
    commune = Commune.objects.filter(province=lang_son).first()
    page.locator("#id_commune").select_option(str(commune.pk))
    page.locator("button[value=preview]").click()
    page.wait_for_selector("[data-preview-segments]")
    assert page.locator("[data-preview-segments]").inner_text() == "1"


def test_a_team_is_found_by_typing_its_name_with_or_without_diacritics(signed_in, lang_son):
    from teams.models import Team

    commune = Commune.objects.filter(province=lang_son).first()
    for name in ("Tổ công nghệ số thôn Nà Sèn", "Tổ công nghệ số thôn Bản Chu", "Tổ phường 2"):
        Team.objects.create(commune=commune, name=name)
    page = signed_in
    page.goto("/teams/sms/")
    search = page.get_by_role("searchbox", name="Tìm tổ theo tên")
    search.fill("na sen")  # no diacritics
    team = page.locator("#id_team")
    assert team.locator("option:not([hidden])").count() == 2  # "—" and Nà Sèn
    assert team.locator("option:checked").inner_text().startswith("Tổ công nghệ số thôn Nà Sèn")
    search.fill("thôn")
    assert team.locator("option:not([hidden])").count() == 3
