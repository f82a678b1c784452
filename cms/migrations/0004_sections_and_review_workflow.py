"""The two sections under each home page, and a review before anything in them goes live.

Guides for citizens and training for volunteers exist in Vietnamese and English (one
translation key per section). Pages in both sections follow the "review before
publishing" workflow: an editor submits, someone in Wagtail's Moderators group approves
(or asks for changes), and only then is the page published, at once or at its
scheduled time.
"""

import uuid

from django.db import migrations
from django.utils import timezone

SECTIONS = [
    {
        "model": "guideindexpage",
        "vi": {
            "title": "Hướng dẫn cho người dân",
            "slug": "huong-dan",
            "summary": (
                "Từng bước, bằng lời dễ hiểu: tài khoản định danh điện tử VNeID, nộp hồ sơ "
                "trên Cổng Dịch vụ công, trả phí trực tuyến và giữ an toàn trước lừa đảo."
            ),
        },
        "en": {
            "title": "Guides for citizens",
            "slug": "guides",
            "summary": (
                "Step by step, in plain words: the VNeID e-ID account, applying on the "
                "Public Service Portal, paying fees online and staying safe from scams."
            ),
        },
    },
    {
        "model": "trainingindexpage",
        "vi": {
            "title": "Tập huấn tình nguyện viên",
            "slug": "tap-huan",
            "summary": (
                "Những điều tình nguyện viên cần biết trước khi hỗ trợ người dân. In cả bộ "
                "thành sổ tay để mang theo."
            ),
        },
        "en": {
            "title": "Training for volunteers",
            "slug": "training",
            "summary": (
                "What volunteers need to know before helping citizens. Print them all as a "
                "handbook to take along."
            ),
        },
    },
]
WORKFLOW = "Duyệt trước khi đăng (hướng dẫn và tập huấn)"
TASK = "Nhóm Moderators duyệt"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, four characters a level


def next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    number = int(last.path[-4:], 36) + 1 if last else 1
    step = ""
    while number:
        number, digit = divmod(number, 36)
        step = ALPHABET[digit] + step
    return parent.path + step.rjust(4, "0")


def create_sections(apps, schema_editor):
    """Also run by browser tests, whose live server starts from an empty database."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("cms.HomePage")
    homes = {home.locale.language_code: home for home in HomePage.objects.all()}
    if not homes:
        return  # a database without our home pages: editors build the site by hand
    now = timezone.now()
    sections = []
    for section in SECTIONS:
        model = apps.get_model("cms", section["model"])
        content_type, _ = ContentType.objects.get_or_create(
            app_label="cms", model=section["model"]
        )
        translation_key = uuid.uuid4()
        for language, home in homes.items():
            text = section.get(language) or section["vi"]
            existing = model.objects.filter(locale=home.locale, path__startswith=home.path).first()
            if existing:
                sections.append(existing)
                continue
            parent = Page.objects.get(pk=home.pk)
            sections.append(
                model.objects.create(
                    title=text["title"],
                    draft_title=text["title"],
                    slug=text["slug"],
                    summary=text["summary"],
                    content_type=content_type,
                    path=next_child_path(Page, parent),
                    depth=parent.depth + 1,
                    numchild=0,
                    url_path=f"{parent.url_path}{text['slug']}/",
                    locale=home.locale,
                    translation_key=translation_key,
                    live=True,
                    first_published_at=now,
                    last_published_at=now,
                )
            )
            parent.numchild = Page.objects.filter(
                path__startswith=parent.path, depth=parent.depth + 1
            ).count()
            parent.save(update_fields=["numchild"])
    assign_review_workflow(apps, sections)


def assign_review_workflow(apps, pages):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")

    moderators, _ = Group.objects.get_or_create(name="Moderators")
    content_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task, _ = GroupApprovalTask.objects.get_or_create(
        name=TASK, defaults={"content_type": content_type, "active": True}
    )
    task.groups.add(moderators)
    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for page in pages:
        WorkflowPage.objects.update_or_create(page_id=page.pk, defaults={"workflow": workflow})


def remove_sections(apps, schema_editor):
    Page = apps.get_model("wagtailcore.Page")
    for section in SECTIONS:
        model = apps.get_model("cms", section["model"])
        for page in model.objects.all():
            Page.objects.filter(path__startswith=page.path).delete()
    for home in apps.get_model("cms.HomePage").objects.all():
        home.numchild = Page.objects.filter(
            path__startswith=home.path, depth=home.depth + 1
        ).count()
        home.save(update_fields=["numchild"])
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW).delete()
    apps.get_model("wagtailcore.GroupApprovalTask").objects.filter(name=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_guides_training_and_contacts"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(create_sections, remove_sections)]
