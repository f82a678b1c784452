"""Replace Wagtail's welcome page with our home page, in Vietnamese and English."""

import uuid

from django.db import migrations

HOME = {
    "vi": {
        "title": "Bình dân học vụ số",
        "intro": (
            "Tình nguyện viên giúp người dân sử dụng dịch vụ công trực tuyến: tài khoản "
            "định danh điện tử VNeID, Cổng Dịch vụ công quốc gia, thanh toán trực tuyến "
            "và bảo vệ tài khoản."
        ),
        "slug": "home",
    },
    "en": {
        "title": "Digital literacy for all",
        "intro": (
            "Volunteers help citizens use online public services: the VNeID electronic "
            "identity account, the National Public Service Portal, online payments and "
            "account safety."
        ),
        "slug": "home-en",
    },
}


def create_home_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    # Wagtail's welcome page (and the site that points at it).
    Page.objects.filter(depth=2, content_type__app_label="wagtailcore").delete()
    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="homepage")
    root = Page.objects.get(depth=1)
    translation_key = uuid.uuid4()
    pages = {}
    for position, (language, text) in enumerate(HOME.items(), start=1):
        locale, _ = Locale.objects.get_or_create(language_code=language)
        pages[language] = HomePage.objects.create(
            title=text["title"],
            draft_title=text["title"],
            intro=text["intro"],
            slug=text["slug"],
            content_type=content_type,
            path=f"{root.path}{position:04d}",
            depth=2,
            numchild=0,
            url_path=f"/{text['slug']}/",
            locale=locale,
            translation_key=translation_key,
            live=True,
        )
    root.numchild = len(pages)
    root.save(update_fields=["numchild"])
    Site.objects.create(
        hostname="localhost",
        port=80,
        root_page=pages["vi"],
        is_default_site=True,
        site_name="Digihelp",
    )


def remove_home_pages(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(create_home_pages, remove_home_pages)]
