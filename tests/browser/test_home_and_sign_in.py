import pytest

from campaign.demo import DEMO_PASSWORD
from campaign.demo import seed as seed_demo

pytestmark = pytest.mark.usefixtures("home_pages")


@pytest.fixture
def demo_accounts(provinces, settings):
    settings.DEBUG = True
    seed_demo(stdout=None)


def test_citizen_opens_the_home_page_in_vietnamese_and_english(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text() == "Bình dân học vụ số"
    page.get_by_role("button", name="English").click()
    page.wait_for_url("**/en/")
    assert page.locator("h1").inner_text() == "Digital literacy for all"


def test_demo_organiser_signs_in_and_sees_their_province(page, demo_accounts):
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập", exact=True).click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Tên đăng nhập").fill("organiser")
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/today/")
    assert "Xin chào" in page.locator("h1").inner_text()
    assert page.get_by_text("Ban tổ chức tỉnh – Lạng Sơn").is_visible()
    page.get_by_role("navigation").get_by_role("link", name="Chiến dịch của tôi").click()
    page.wait_for_url("**/campaign/")
    assert page.locator(".columns li").count() == 65


def test_wrong_password_keeps_the_visitor_on_the_sign_in_page(page, demo_accounts):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("organiser")
    page.get_by_label("Mật khẩu").fill("not the password")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").is_visible()
    assert "/accounts/login/" in page.url
