"""Editors' side of the CMS: review before publishing, scheduled publishing, the
accessibility checker and the hotline snippets."""

import json
import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from django_q.models import Schedule
from wagtail.admin.userbar import AccessibilityItem, apply_userbar_hooks
from wagtail.models import Revision

from cms.models import GuideIndexPage, GuidePage, SupportContact, TrainingIndexPage
from cms.seeding import NO_IMAGE
from cms.tasks import publish_scheduled_pages
from cms.wagtail_hooks import WCAG_21_AA, WcagContentChecker

PASSWORD = "correct horse battery staple"


def wagtail_user(username, group):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def writer(db):
    return wagtail_user("writer", "Editors")


@pytest.fixture
def reviewer(db):
    return wagtail_user("reviewer", "Moderators")


@pytest.fixture
def draft_guide(db, writer):
    index = GuideIndexPage.objects.get(locale__language_code="vi")
    page = GuidePage(
        title="Cài ứng dụng ngân hàng",
        slug="cai-ung-dung-ngan-hang",
        summary="Cài và mở ứng dụng ngân hàng lần đầu.",
        topic="payments",
        last_reviewed=date(2026, 12, 1),
        steps=[
            {"type": "step", "value": {"heading": "Mở CH Play", "text": "", "image": NO_IMAGE}}
        ],
        live=False,
        owner=writer,
    )
    index.add_child(instance=page)
    page.save_revision(user=writer)
    return page


def test_guides_and_training_go_through_review_before_publishing(db):
    for model in (GuideIndexPage, TrainingIndexPage):
        for section in model.objects.all():
            workflow = section.get_workflow()
            assert workflow.name.startswith("Duyệt trước khi đăng")
            [task] = [task.specific for task in workflow.tasks]
            assert list(task.groups.values_list("name", flat=True)) == ["Moderators"]


def test_editors_cannot_publish_a_guide_themselves(draft_guide, writer, reviewer):
    assert draft_guide.permissions_for_user(writer).can_edit()
    assert not draft_guide.permissions_for_user(writer).can_publish()
    assert draft_guide.permissions_for_user(reviewer).can_publish()


def test_a_submitted_guide_goes_live_only_when_a_moderator_approves(draft_guide, writer, reviewer):
    workflow_state = draft_guide.get_workflow().start(draft_guide, writer)
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    task_state = workflow_state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(draft_guide, writer) == []  # the writer cannot approve
    assert "approve" in [name for name, _label, _form in task.get_actions(draft_guide, reviewer)]

    task.on_action(task_state, reviewer, "approve")
    draft_guide.refresh_from_db()
    workflow_state.refresh_from_db()
    assert draft_guide.live
    assert workflow_state.status == workflow_state.STATUS_APPROVED


def test_a_moderator_can_send_a_guide_back_for_changes(draft_guide, writer, reviewer):
    workflow_state = draft_guide.get_workflow().start(draft_guide, writer)
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "reject")
    draft_guide.refresh_from_db()
    workflow_state.refresh_from_db()
    assert not draft_guide.live
    assert workflow_state.status == workflow_state.STATUS_NEEDS_CHANGES


def test_a_scheduled_guide_goes_live_when_publish_scheduled_runs(draft_guide, reviewer):
    draft_guide.go_live_at = timezone.now() + timedelta(hours=2)
    revision = draft_guide.save_revision(user=reviewer)
    revision.publish(user=reviewer)
    draft_guide.refresh_from_db()
    assert not draft_guide.live
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None

    call_command("publish_scheduled")
    draft_guide.refresh_from_db()
    assert not draft_guide.live  # not yet

    # Two hours later (the revision's own go-live time passes too).
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=past, content=revision.content
    )
    publish_scheduled_pages()
    draft_guide.refresh_from_db()
    assert draft_guide.live


def test_the_task_queue_publishes_scheduled_pages_every_minute(db):
    schedule = Schedule.objects.get(func="cms.tasks.publish_scheduled_pages")
    assert (schedule.schedule_type, schedule.minutes, schedule.repeats) == ("I", 1, -1)


def test_the_accessibility_checker_holds_pages_to_wcag_21_aa(draft_guide, reviewer):
    request = RequestFactory().get("/")
    request.user = reviewer
    items = [AccessibilityItem(in_editor=True)]
    apply_userbar_hooks(request, items, draft_guide)
    [checker] = items
    assert isinstance(checker, WcagContentChecker) and checker.in_editor
    configuration = checker.get_axe_configuration(request)
    assert configuration["options"]["runOnly"] == WCAG_21_AA
    # Wagtail's own content checks stay on beside them.
    assert configuration["options"]["rules"]["alt-text-quality"] == {"enabled": True}
    assert configuration["options"]["rules"]["heading-order"] == {"enabled": True}


# Wagtail's admin templates leave optional variables undefined.
@pytest.mark.ignore_template_errors
def test_the_page_editor_loads_a_guide_with_its_checks(client, draft_guide, reviewer):
    client.force_login(reviewer)
    response = client.get(f"/admin/pages/{draft_guide.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    found = re.search(
        r'<script id="checker-axe-configuration" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    assert json.loads(found.group(1))["options"]["runOnly"] == WCAG_21_AA


# Wagtail's admin templates leave optional variables undefined.
@pytest.mark.ignore_template_errors
def test_editors_see_the_userbar_checker_on_a_live_guide_and_citizens_do_not(
    client, draft_guide, reviewer
):
    draft_guide.get_latest_revision().publish()
    url = draft_guide.url
    assert "wagtail-userbar" not in client.get(url).content.decode()
    client.force_login(reviewer)
    html = client.get(url).content.decode()
    assert "wagtail-userbar" in html and "wcag21aa" in html


@pytest.fixture
def lenient_templates(settings):
    """Wagtail's own admin templates rely on variables that may be missing."""
    settings.TEMPLATES = [
        {**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": ""}}
        for engine in settings.TEMPLATES
    ]


def test_hotlines_are_snippets_listed_by_province_in_the_admin(
    client, db, lang_son, lenient_templates
):
    SupportContact.objects.create(
        name="Trung tâm Phục vụ hành chính công", kind="support_centre", province=lang_son
    )
    admin = get_user_model().objects.create_superuser("boss", "boss@example.vn", PASSWORD)
    client.force_login(admin)
    response = client.get("/admin/snippets/cms/supportcontact/")
    assert response.status_code == 200
    assert "Trung tâm Phục vụ hành chính công" in response.content.decode()
    contact = SupportContact.objects.get(province=lang_son)
    assert contact.tel_href == ""
    contact.phone = "+84 205 3812 345"
    assert contact.tel_href == "+842053812345"
