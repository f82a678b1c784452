"""The volunteer's logging page: defaults, the form without script, corrections, the
installable app's manifest and service worker, and its weight."""

import gzip
import html
import json
import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from campaign.models import Campaign, ServiceType
from sessions.models import HelpSession
from teams.models import Assignment, Shift, ShiftSignup, Volunteer

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
LOG = "/log/"


def vi(text):
    with translation.override("vi"):
        return gettext(text)


@pytest.fixture
def campaign(lang_son):
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=3),
        sms_brand="SỞ TT&TT",
    )
    campaign.add_all_communes()
    return campaign


@pytest.fixture
def communes(lang_son):
    return list(lang_son.communes.order_by("code")[:2])


@pytest.fixture
def mai_account(make_user):
    return make_user("mai")


@pytest.fixture
def mai(mai_account, campaign, communes):
    person = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", home_commune=communes[0], user=mai_account
    )
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=communes[0])
    return person


@pytest.fixture
def signed_in(client, mai, mai_account):
    client.force_login(mai_account)
    return client


def form(commune, **extra):
    return {"uuid": str(uuid.uuid4()), "commune": commune.code, "outcome": "done", **extra}


def test_the_page_offers_the_catalogue_as_big_buttons_and_defaults_the_commune(
    signed_in, communes
):
    response = signed_in.get(LOG)
    assert response.status_code == 200
    page = response.content.decode()
    for service in ServiceType.objects.filter(province__isnull=True):
        assert f'value="{service.code}"' in page
        assert service.name in page
    assert f'name="commune" value="{communes[0].code}"' in page
    assert 'rel="manifest"' in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_the_current_shift_is_the_default(signed_in, mai, campaign, communes):
    now = timezone.now()
    shift = Shift.objects.create(
        campaign=campaign,
        commune=communes[0],
        place="Bộ phận một cửa",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=2),
    )
    ShiftSignup.objects.create(shift=shift, volunteer=mai, status="confirmed")
    page = signed_in.get(LOG).content.decode()
    assert f'name="shift" value="{shift.pk}"' in page
    assert "Bộ phận một cửa" in page


def test_a_volunteer_in_two_communes_today_chooses_with_the_shift_s_commune_first(
    signed_in, mai, campaign, communes
):
    Assignment.objects.create(volunteer=mai, campaign=campaign, commune=communes[1])
    now = timezone.now()
    shift = Shift.objects.create(
        campaign=campaign,
        commune=communes[1],
        place="Nhà văn hóa",
        starts_at=now,
        ends_at=now + timedelta(hours=2),
    )
    ShiftSignup.objects.create(shift=shift, volunteer=mai, status="confirmed")
    page = signed_in.get(LOG).content.decode()
    assert '<select name="commune">' in page
    assert f'<option value="{communes[1].code}" selected>' in page


def test_without_script_three_taps_store_one_log(signed_in, mai, communes):
    response = signed_in.post(LOG, form(communes[0], services=["eid_account"]))
    assert response.status_code == 302
    session = HelpSession.objects.get()
    assert (session.volunteer, session.commune, session.outcome) == (mai, communes[0], "done")
    assert list(session.services.values_list("code", flat=True)) == ["eid_account"]
    page = signed_in.get(LOG).content.decode()
    assert vi("Saved. Thank you!") in page
    assert re.search(r'id="total-today">1<', page)


def test_a_form_sent_twice_stores_one_log(signed_in, communes):
    data = form(communes[0], services=["eid_account"])
    assert signed_in.post(LOG, data).status_code == 302
    assert signed_in.post(LOG, data).status_code == 302
    assert HelpSession.objects.count() == 1


def test_a_log_without_a_service_is_refused_and_says_so(signed_in, communes):
    response = signed_in.post(LOG, form(communes[0], note="bà cụ"))
    assert response.status_code == 400
    page = response.content.decode()
    assert vi("Choose at least one service.") in page
    assert 'value="bà cụ"' in page  # what was typed is kept
    assert HelpSession.objects.count() == 0


def test_a_commune_the_volunteer_is_not_assigned_to_is_refused(signed_in, lang_son):
    elsewhere = lang_son.communes.order_by("-code").first()
    response = signed_in.post(LOG, form(elsewhere, services=["eid_account"]))
    assert response.status_code == 400
    assert vi("You are not assigned to this commune.") in response.content.decode()


def test_details_and_a_follow_up_are_kept_with_consent(signed_in, communes):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = form(
        communes[0],
        services=["eid_level_2"],
        minutes="15",
        priority_groups=["elderly", "ethnic_minority"],
        age_band="60_plus",
        gender="female",
        procedure="Cấp đổi căn cước",
        citizen_phone="0987 654 321",
        consent="on",
        follow_up="eid_level_2",
        follow_up_on=tomorrow.isoformat(),
    )
    assert signed_in.post(LOG, data).status_code == 302
    session = HelpSession.objects.get()
    assert (session.minutes, session.elderly, session.ethnic_minority) == (15, True, True)
    assert (session.citizen_phone, session.follow_up_on) == ("+84987654321", tomorrow)
    assert session.contact_consent_at is not None


def test_spaces_in_the_phone_field_are_no_number(signed_in, communes):
    data = form(communes[0], services=["eid_account"], citizen_phone="   ")
    assert signed_in.post(LOG, data).status_code == 302
    assert HelpSession.objects.get().citizen_phone == ""


def test_a_phone_number_without_consent_is_refused(signed_in, communes):
    data = form(
        communes[0],
        services=["eid_level_2"],
        citizen_phone="0987654321",
        follow_up="eid_level_2",
        follow_up_on=(timezone.localdate() + timedelta(days=1)).isoformat(),
    )
    response = signed_in.post(LOG, data)
    assert response.status_code == 400
    assert "consent" in response.context["errors"]
    assert HelpSession.objects.count() == 0


def test_an_account_without_a_volunteer_gets_404(client, coordinator):
    client.force_login(coordinator)
    assert client.get(LOG).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(LOG)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_volunteer_with_no_assignment_today_is_told_so(client, make_user):
    account = make_user("lan")
    Volunteer.objects.create(full_name="Hoàng Lan", phone="+84912000111", user=account)
    client.force_login(account)
    page = client.get(LOG).content.decode()
    assert 'id="log-form"' not in page
    assert vi("You are not assigned to a commune today, so there is nothing to log here.") in page


def stored(mai, commune, campaign, **extra):
    session = HelpSession.objects.create(
        uuid=uuid.uuid4(),
        volunteer=mai,
        campaign=campaign,
        commune=commune,
        helped_at=timezone.now() - timedelta(minutes=30),
        content_digest="x",
        **extra,
    )
    session.services.set([ServiceType.objects.get(code="eid_account")])
    return session


def test_a_log_is_corrected_within_a_day(signed_in, mai, campaign, communes):
    session = stored(mai, communes[0], campaign)
    url = reverse("help_sessions:log_correct", args=[session.uuid])
    assert url in signed_in.get(LOG).content.decode()
    response = signed_in.post(
        url,
        {"services": ["eid_level_2", "online_payment"], "outcome": "referred", "minutes": "20"},
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.outcome == "referred" and session.minutes == 20
    assert set(session.services.values_list("code", flat=True)) == {
        "eid_level_2",
        "online_payment",
    }
    assert session.corrected_at is not None
    assert session.content_digest == "x"  # a late retry of the original is still a repeat


def test_a_correction_is_checked_like_a_log(signed_in, mai, campaign, communes):
    session = stored(mai, communes[0], campaign)
    url = reverse("help_sessions:log_correct", args=[session.uuid])
    response = signed_in.post(url, {"services": ["no_such_service"], "outcome": "done"})
    assert response.status_code == 400
    assert "services" in response.context["errors"]
    session.refresh_from_db()
    assert session.corrected_at is None


def test_a_log_older_than_a_day_can_no_longer_be_corrected(signed_in, mai, campaign, communes):
    session = stored(mai, communes[0], campaign)
    HelpSession.objects.filter(pk=session.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    url = reverse("help_sessions:log_correct", args=[session.uuid])
    assert signed_in.get(url).status_code == 410
    assert signed_in.post(url, {"services": ["other"], "outcome": "done"}).status_code == 410
    assert list(session.services.values_list("code", flat=True)) == ["eid_account"]


def test_nobody_corrects_another_volunteer_s_log(client, make_user, mai, campaign, communes):
    session = stored(mai, communes[0], campaign)
    other = make_user("hung")
    person = Volunteer.objects.create(full_name="Lò Văn Hùng", phone="+84922222222", user=other)
    Assignment.objects.create(volunteer=person, campaign=campaign, commune=communes[0])
    client.force_login(other)
    url = reverse("help_sessions:log_correct", args=[session.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, {"services": ["other"], "outcome": "done"}).status_code == 404


def test_the_manifest_makes_the_page_installable(client):
    response = client.get("/log/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == LOG and manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix("/static/"))


def test_the_service_worker_keeps_the_page_and_its_files(client):
    response = client.get("/log/sw.js")
    assert response["Content-Type"].startswith("application/javascript")
    script = response.content.decode()
    assert 'const PAGE = "/log/"' in script
    assert "/static/sessions/log.js" in script and "/static/css/digihelp.css" in script
    assert "caches.match(PAGE)" in script  # the kept copy when the network fails


def test_the_english_page_has_its_own_address_and_worker(signed_in):
    page = signed_in.get("/en/log/").content.decode()
    assert "Log a citizen helped" in page
    assert 'data-worker-url="/en/log/sw.js"' in page


def test_the_first_load_stays_under_60_kb_compressed(signed_in):
    response = signed_in.get(LOG)
    page = response.content.decode()
    files = re.findall(r'<script src="/static/([^"]+)"', page)
    files += re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', page)
    assert "sessions/log.js" in files
    total = len(gzip.compress(response.content, 6))
    for name in files:
        with open(finders.find(name), "rb") as handle:
            total += len(gzip.compress(handle.read(), 6))
    assert total < 60 * 1024, total


def test_the_script_reads_its_words_and_places_from_the_page(signed_in, mai, communes):
    page = signed_in.get(LOG).content.decode()
    found = re.search(r'data-bootstrap="([^"]+)"', page)
    bootstrap = json.loads(html.unescape(found.group(1)))
    assert bootstrap["volunteer"] == mai.pk
    assert bootstrap["assignments"][0]["commune"] == communes[0].code
    words = json.loads(html.unescape(re.search(r'data-strings="([^"]+)"', page).group(1)))
    assert words["waiting"] == vi("%(count)s waiting to send")


def test_shift_times_in_the_page_are_aware(signed_in, mai, campaign, communes):
    start = datetime.now(LOCAL) + timedelta(hours=3)
    shift = Shift.objects.create(
        campaign=campaign,
        commune=communes[0],
        place="Chợ",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
    )
    ShiftSignup.objects.create(shift=shift, volunteer=mai, status="confirmed")
    page = signed_in.get(LOG).content.decode()
    assert f"&quot;id&quot;: {shift.pk}" in page
    assert "+00:00" in page or "+07:00" in page
