"""Guides for citizens and training for volunteers: pages, languages, search, weight."""

import gzip
import io
import re
from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.db import connection, transaction
from django.utils.formats import date_format
from PIL import Image as PillowImage
from wagtail.documents.models import Document
from wagtail.embeds.embeds import get_embed_hash
from wagtail.embeds.models import Embed
from wagtail.images.models import Image
from wagtail.models import Locale, Page, Revision
from wagtail_localize.models import StringTranslation, Translation

from campaign.models import ServiceType
from cms.blocks import numbered_steps
from cms.models import (
    GuideIndexPage,
    GuidePage,
    HomePage,
    SupportContact,
    TrainingIndexPage,
    TrainingModulePage,
)
from cms.search import search_pages
from cms.seeding import NO_IMAGE, seed_guides

MISSING = "!!MISSING"
VNEID = "/huong-dan/tao-va-kich-hoat-tai-khoan-vneid/"
VNEID_EN = "/en/guides/create-and-activate-vneid/"


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The starting content, made once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_guides()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def guides(seeded, db):
    return GuidePage.objects.filter(locale__language_code="vi").order_by("path")


def vietnamese():
    return Locale.objects.get(language_code="vi")


def english():
    return Locale.objects.get(language_code="en")


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert MISSING not in html
    return html


def titles(pages):
    return [page.title for page in pages]


# Page creation rules.


def test_guides_can_only_be_created_in_the_guide_index(db):
    assert GuidePage.allowed_parent_page_models() == [GuideIndexPage]
    assert GuidePage.allowed_subpage_models() == []
    home = HomePage.objects.get(locale__language_code="vi")
    assert not GuidePage.can_create_at(home)
    assert GuidePage.can_create_at(GuideIndexPage.objects.child_of(home).get())


def test_training_modules_can_only_be_created_in_the_training_index(db):
    assert TrainingModulePage.allowed_parent_page_models() == [TrainingIndexPage]
    home = HomePage.objects.get(locale__language_code="vi")
    assert not TrainingModulePage.can_create_at(home)
    assert TrainingModulePage.can_create_at(TrainingIndexPage.objects.child_of(home).get())


def test_each_home_page_has_one_guide_index_and_one_training_index(db):
    for home in HomePage.objects.all():
        assert GuideIndexPage.objects.child_of(home).count() == 1
        assert TrainingIndexPage.objects.child_of(home).count() == 1
        # A second one of either cannot be added.
        assert not GuideIndexPage.can_create_at(home)
        assert not TrainingIndexPage.can_create_at(home)
    assert set(HomePage.allowed_subpage_models()) == {GuideIndexPage, TrainingIndexPage}


def test_the_two_sections_are_translations_of_each_other(db):
    vi = GuideIndexPage.objects.get(locale__language_code="vi")
    en = GuideIndexPage.objects.get(locale__language_code="en")
    assert vi.translation_key == en.translation_key
    assert (vi.url, en.url) == ("/huong-dan/", "/en/guides/")
    training = TrainingIndexPage.objects.get(locale__language_code="vi")
    assert training.get_translation(english()).url == "/en/training/"


# The pages.


def test_home_page_offers_search_the_hotline_and_both_entrances(client, guides):
    html = html_of(client, "/")
    assert 'action="/search/"' in html and 'name="q"' in html
    assert 'href="tel:18001096"' in html and "1800 1096" in html
    assert 'href="/huong-dan/"' in html  # guides for citizens
    assert 'href="/tap-huan/"' in html  # for volunteers
    assert "Hướng dẫn cho người dân" in html
    english_home = html_of(client, "/en/")
    assert 'href="/en/guides/"' in english_home and 'href="/en/training/"' in english_home
    assert "National Public Service Portal helpline" in english_home


def test_guide_index_groups_the_guides_by_topic(client, guides):
    html = html_of(client, "/huong-dan/")
    for guide in guides:
        assert f'href="{guide.url}"' in html
    # Topics in their fixed order: e-ID first, staying safe last.
    positions = [html.index(guide.title) for guide in guides]
    assert positions[0] == min(positions)  # the e-ID guide


def test_guide_index_shows_only_guides_about_one_service_when_asked(client, guides):
    html = html_of(client, "/huong-dan/?service=online_payment")
    assert "Thanh toán phí, lệ phí trực tuyến" in html
    assert "Chứng thực bản sao điện tử" not in html
    unknown = html_of(client, "/huong-dan/?service=nothing-like-this")
    assert "Chứng thực bản sao điện tử" in unknown


def test_guide_page_shows_who_it_is_for_services_what_to_bring_and_when_checked(client, guides):
    html = html_of(client, VNEID)
    assert "<h1>Tạo và kích hoạt tài khoản VNeID mức 2</h1>" in html
    page = GuidePage.objects.get(slug="tao-va-kich-hoat-tai-khoan-vneid")
    assert f"<dd>{page.get_audience_display()}</dd>" in html  # for whom
    services = ServiceType.objects.filter(code__in=["eid_account", "eid_level_2"])
    for service in services:
        assert service.name in html
    assert "Thẻ căn cước (hoặc căn cước công dân) gắn chip của bạn" in html
    assert f'<time datetime="2026-12-01">{date_format(date(2026, 12, 1))}</time>' in html
    # Its own helpline first, then the home page's.
    assert html.index('href="tel:19000368"') < html.index('href="tel:18001096"')
    assert 'href="/huong-dan/#topic-e_id"' in html  # the topic, in the breadcrumb


def test_guide_steps_are_numbered_with_tips_and_warnings_beside_them(client, guides):
    html = html_of(client, VNEID)
    steps = re.search(r'<ol class="steps">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r'<li id="step-(\d+)">(.*?)</li>', steps, re.S)
    assert [number for number, _ in items] == [str(n) for n in range(1, 9)]
    second = items[1][1]
    assert "Chờ tin nhắn có mã kích hoạt" in second
    assert 'class="note warning"' in second and "Không đọc mã kích hoạt" in second


def test_notes_before_the_first_step_come_first_without_a_number():
    class Child:
        def __init__(self, block_type, value):
            self.block_type, self.value = block_type, value

    stream = [Child("tip", "a"), Child("step", {"heading": "one"}), Child("warning", "b")]
    groups = numbered_steps(stream)
    assert [group["number"] for group in groups] == [None, 1]
    assert [note.value for note in groups[0]["notes"]] == ["a"]
    assert [note.value for note in groups[1]["notes"]] == ["b"]


def test_a_guide_is_readable_without_javascript(client, guides):
    html = html_of(client, VNEID)
    assert "<script" not in html
    assert "Cài ứng dụng VNeID" in html  # the steps are in the page itself


def test_a_guide_page_weighs_under_100_kb_compressed(client, guides):
    html = client.get(VNEID).content
    files = re.findall(rb'<link rel="stylesheet" href="/static/([^"]+)"', html)
    files += re.findall(rb'<script src="/static/([^"]+)"', html)
    assert files  # the style sheets are counted too
    total = len(gzip.compress(html, 6))
    for name in files:
        with open(finders.find(name.decode()), "rb") as handle:
            total += len(gzip.compress(handle.read(), 6))
    assert total < 100 * 1024, total


def test_related_guides_are_shown_in_the_language_of_the_page(client, guides):
    html = html_of(client, VNEID_EN)
    assert 'href="/en/guides/apply-on-the-public-service-portal/"' in html
    assert 'href="/en/guides/spot-scam-calls/"' in html
    assert "/huong-dan/" not in html.split("<main>")[1]


def test_step_pictures_are_served_as_resized_webp_renditions(client, guides):
    buffer = io.BytesIO()
    PillowImage.new("RGB", (2000, 1500), (30, 120, 200)).save(buffer, "PNG")
    image = Image.objects.create(
        title="VNeID", file=ImageFile(io.BytesIO(buffer.getvalue()), name="vneid.png")
    )
    page = GuidePage.objects.get(url_path__endswith="/tao-va-kich-hoat-tai-khoan-vneid/")
    raw = list(page.steps.raw_data)
    raw[0]["value"]["image"] = {
        "image": image.pk,
        "alt_text": "Màn hình VNeID",
        "decorative": False,
    }
    page.steps = raw
    page.save_revision().publish()
    html = html_of(client, VNEID)
    img = re.search(r"<img [^>]*>", html).group(0)
    assert ".webp" in img
    assert 'width="720"' in img and 'height="540"' in img
    assert 'loading="lazy"' in img and 'alt="Màn hình VNeID"' in img
    rendition = image.get_rendition("width-720|format-webp")
    assert rendition.file.name.endswith(".webp")


def test_training_module_shows_goals_steps_video_documents_and_a_self_check(client, seeded, db):
    url = "https://www.youtube.com/watch?v=digihelp-demo"
    Embed.objects.create(
        url=url,
        max_width=720,
        hash=get_embed_hash(url, 720),
        type="video",
        html='<iframe src="https://www.youtube.com/embed/x" title="Tập huấn"></iframe>',
    )
    document = Document.objects.create(
        title="Danh sách chuẩn bị", file=ImageFile(io.BytesIO(b"ok"), name="chuan-bi.txt")
    )
    module = TrainingModulePage.objects.get(slug="to-chuc-buoi-ho-tro")
    module.video_url = url
    module.documents = [{"type": "document", "value": document.pk}]
    module.save_revision().publish()
    html = html_of(client, "/tap-huan/to-chuc-buoi-ho-tro/")
    assert "Chuẩn bị đủ đồ dùng và thông tin trước ca trực" in html  # a goal
    assert '<iframe loading="lazy" src="https://www.youtube.com/embed/x"' in html
    assert f'href="{url}"' in html  # and a plain link to it
    assert 'href="/documents/' in html and "Danh sách chuẩn bị" in html
    assert "<details>" in html and "Nhắc bác giữ kín mã và chỉ bác tự nhập" in html


def test_the_handbook_gathers_every_training_module_on_one_printable_page(client, seeded, db):
    html = html_of(client, "/tap-huan/handbook/")
    for module in TrainingModulePage.objects.filter(locale__language_code="vi"):
        assert f'id="module-{module.slug}"' in html
        assert module.title in html
        assert f"{settings.SITE_URL}{module.url}" in html  # where to find it online
    with open(finders.find("cms/handbook.css")) as style:
        assert "break-before: page" in style.read()  # each module on a new sheet
    assert "Logging a session in Digihelp" in html_of(client, "/en/training/handbook/")


def test_the_poster_carries_a_qr_code_and_the_guide_address(client, guides):
    html = html_of(client, VNEID + "poster/")
    assert '<svg role="img"' in html and 'class="qr"' in html
    assert f"{settings.SITE_URL}{VNEID}" in html
    assert "<script" not in html
    assert "1800 1096" in html


def test_editors_preview_the_poster_from_the_page_editor(guides):
    page = GuidePage.objects.get(slug="nhan-biet-cuoc-goi-lua-dao")
    assert "poster" in [mode for mode, _label in page.preview_modes]
    response = page.make_preview_request(preview_mode="poster")
    html = response.rendered_content
    assert 'class="qr"' in html and "113" in html


# Languages.


def test_every_guide_and_module_is_published_in_vietnamese_and_english(guides):
    for model in (GuidePage, TrainingModulePage):
        for page in model.objects.filter(locale=vietnamese()):
            translation = page.get_translation(english())
            assert page.live and translation.live
            assert translation.title != page.title


def test_english_pages_are_wagtail_localize_translations_of_the_vietnamese(guides):
    page = guides.first()
    translation = Translation.objects.get(source__object_id=page.translation_key)
    assert translation.enabled and translation.target_locale == english()
    assert StringTranslation.objects.filter(
        locale=english(), data="Install the VNeID app"
    ).exists()
    english_page = page.get_translation(english())
    assert list(english_page.services.all()) == list(page.services.all())


def test_english_guide_is_served_under_en_in_english(client, guides):
    html = html_of(client, VNEID_EN)
    assert '<html lang="en">' in html
    assert "<h1>Create and activate your VNeID account (level 2)</h1>" in html
    assert "Install the VNeID app" in html
    assert "e-ID (VNeID) account created" in html  # the service, in English


def test_language_switch_leads_to_the_same_guide_in_the_other_language(client, guides):
    html = html_of(client, VNEID)
    form = re.search(
        r'<input name="next" type="hidden" value="([^"]+)">\s*<button[^>]*value="en"', html
    )
    response = client.post("/i18n/setlang/", {"language": "en", "next": form.group(1)})
    assert response.status_code == 302
    assert response["Location"] == VNEID_EN
    back = re.search(
        r'<input name="next" type="hidden" value="([^"]+)">\s*<button[^>]*value="vi"',
        html_of(client, VNEID_EN),
    )
    response = client.post("/i18n/setlang/", {"language": "vi", "next": back.group(1)})
    assert response["Location"] == VNEID


def test_language_switch_on_a_poster_leads_to_the_translated_poster(client, guides):
    html = html_of(client, VNEID + "poster/")
    form = re.search(r'<input name="next" type="hidden" value="([^"]+)">', html)
    response = client.post("/i18n/setlang/", {"language": "en", "next": form.group(1)})
    assert response["Location"] == VNEID_EN + "poster/"


def test_an_untranslated_page_switches_to_the_other_languages_home(client, guides):
    index = GuideIndexPage.objects.get(locale=vietnamese())
    lone = index.add_child(
        instance=GuidePage(
            title="Chỉ có tiếng Việt",
            slug="chi-co-tieng-viet",
            summary="Chưa dịch.",
            topic="safety",
            last_reviewed=date(2026, 12, 1),
            steps=[{"type": "step", "value": {"heading": "Một", "text": "", "image": NO_IMAGE}}],
        )
    )
    html = html_of(client, lone.url)
    form = re.search(r'<input name="next" type="hidden" value="([^"]+)">', html)
    response = client.post("/i18n/setlang/", {"language": "en", "next": form.group(1)})
    assert response["Location"] == "/en/"


# Search.


def test_search_without_diacritics_finds_kich_hoat_tai_khoan_vneid(client, guides):
    found = search_pages("kich hoat vneid", vietnamese())
    assert "Tạo và kích hoạt tài khoản VNeID mức 2" in titles(found)
    html = html_of(client, "/search/?q=kich+hoat+vneid")
    assert f'href="{VNEID}"' in html


def test_dang_ky_finds_dang_ky_with_its_d_stroke(guides):
    found = titles(search_pages("dang ky", vietnamese()))
    assert "Nộp hồ sơ trên Cổng Dịch vụ công quốc gia" in found  # "đăng ký khai sinh"
    assert "Tạo và kích hoạt tài khoản VNeID mức 2" in found  # "đăng ký tài khoản"


def test_search_with_diacritics_finds_the_same_guides(guides):
    assert titles(search_pages("đăng ký", vietnamese())) == titles(
        search_pages("dang ky", vietnamese())
    )
    assert "Chứng thực bản sao điện tử" in titles(search_pages("Chứng thực", vietnamese()))
    assert "Chứng thực bản sao điện tử" in titles(search_pages("CHUNG THUC", vietnamese()))


def test_search_stays_in_the_language_of_the_page(client, guides):
    assert titles(search_pages("scam", english())) == [
        "Spot scam calls and keep your accounts safe"
    ]
    assert search_pages("scam", vietnamese()) == []
    html = html_of(client, "/en/search/?q=scam")
    assert 'href="/en/guides/spot-scam-calls/"' in html


def test_search_finds_training_modules_too(guides):
    assert "Ghi nhận lượt hỗ trợ trong Digihelp" in titles(
        search_pages("ghi nhan khi mat mang", vietnamese())
    )


def test_search_falls_back_to_any_word_when_no_page_has_them_all(guides):
    found = titles(search_pages("vneid xyzzy", vietnamese()))
    assert "Tạo và kích hoạt tài khoản VNeID mức 2" in found


def test_search_says_when_nothing_is_found(client, guides):
    html = html_of(client, "/search/?q=xyzzy+plugh")
    assert "xyzzy plugh" in html and 'class="cards"' not in html
    assert html_of(client, "/search/?q=")  # an empty search is a plain form


def test_unpublished_guides_are_not_found(guides):
    page = GuidePage.objects.get(slug="chung-thuc-ban-sao-dien-tu")
    page.unpublish()
    assert "Chứng thực bản sao điện tử" not in titles(search_pages("chung thuc", vietnamese()))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_text_search_configuration_ignores_vietnamese_diacritics(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_tsvector('digihelp_unaccent', %s) @@ plainto_tsquery('digihelp_unaccent', %s)",
            ["Đăng ký tài khoản định danh điện tử", "dang ky dinh danh"],
        )
        assert cursor.fetchone()[0] is True
    assert settings.WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] == "digihelp_unaccent"


# The starting content.


def test_seed_guides_writes_six_guides_three_modules_and_national_hotlines(guides):
    assert guides.count() == 6
    assert TrainingModulePage.objects.filter(locale=vietnamese()).count() == 3
    assert SupportContact.objects.filter(locale=vietnamese()).count() == 3
    assert SupportContact.objects.filter(locale=english()).count() == 3
    home = HomePage.objects.get(locale=english())
    assert home.hotline.locale == english()
    # Every guide names the services it covers from the volunteers' catalogue.
    assert all(guide.services.exists() for guide in guides)


def test_seed_guides_again_changes_nothing(guides):
    before = (Page.objects.count(), Revision.objects.count(), StringTranslation.objects.count())
    out = StringIO()
    call_command("seed_guides", stdout=out)
    assert "created: 0" in out.getvalue()
    after = (Page.objects.count(), Revision.objects.count(), StringTranslation.objects.count())
    assert after == before


def test_seed_guides_keeps_what_editors_changed(guides):
    page = guides.first()
    page.title = "Tài khoản VNeID (đã sửa)"
    page.save_revision().publish()
    seed_guides()
    page.refresh_from_db()
    assert page.title == "Tài khoản VNeID (đã sửa)"
