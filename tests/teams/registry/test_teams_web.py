import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from campaign.models import Commune, Role
from teams.models import ImportJob, Membership, Team, Volunteer
from teams.registry.importing import COLUMNS
from teams.tasks import run_import_job

# Messages are read in English here; the Vietnamese ones are checked elsewhere.
pytestmark = pytest.mark.usefixtures("english")

MISSING = "!!MISSING"
VI_HEADER = ",".join(header for header, _keys in COLUMNS.values())


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert MISSING not in html
    return html


@pytest.fixture
def mine(coordinated_communes):
    """A commune the coordinator looks after."""
    return coordinated_communes[0]


@pytest.fixture
def elsewhere(lang_son, coordinated_communes):
    """A commune of Lạng Sơn the coordinator does not look after."""
    return lang_son.communes.exclude(pk__in=[c.pk for c in coordinated_communes]).first()


@pytest.fixture
def registry(mine, elsewhere):
    """A team in each commune; Nguyễn Văn An leads the coordinator's team."""
    our_team = Team.objects.create(commune=mine, name="Tổ công nghệ số 1")
    their_team = Team.objects.create(commune=elsewhere, name="Tổ công nghệ số 9")
    an = Volunteer.objects.create(
        full_name="Nguyễn Văn An", phone="+84912345678", home_commune=mine
    )
    binh = Volunteer.objects.create(
        full_name="Trần Thị Bình", phone="+84987654321", home_commune=mine
    )
    cuong = Volunteer.objects.create(
        full_name="Lý Văn Cường", phone="+84961234567", home_commune=elsewhere
    )
    Membership.objects.create(team=our_team, volunteer=an, role=Membership.Role.LEADER)
    Membership.objects.create(team=our_team, volunteer=binh)
    Membership.objects.create(team=their_team, volunteer=cuong)
    return {"our_team": our_team, "their_team": their_team, "an": an, "binh": binh, "cuong": cuong}


def members_file(rows, name="members.csv"):
    text = VI_HEADER + "\n" + "".join(f"{row}\n" for row in rows)
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def upload(client, province, rows, *, skip_invalid=False, name="members.csv"):
    data = {"file": members_file(rows, name), "province": province.pk}
    if skip_invalid:
        data["skip_invalid"] = "on"
    return client.post(reverse("teams:import_upload"), data)


def snapshot():
    return (
        sorted(Volunteer.objects.values_list("phone", "full_name")),
        sorted(Team.objects.values_list("commune", "name")),
        sorted(Membership.objects.values_list("team__name", "volunteer__phone", "role")),
    )


# Who may use the pages --------------------------------------------------------------

STAFF_PAGES = [
    "teams:team_list",
    "teams:team_new",
    "teams:volunteer_list",
    "teams:volunteer_new",
    "teams:import_upload",
]


@pytest.mark.parametrize("name", STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, provinces, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["volunteer", "outsider"])
@pytest.mark.parametrize("name", STAFF_PAGES)
def test_volunteers_and_outsiders_are_forbidden(client, request, role, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 403


def test_volunteers_cannot_export_or_see_a_team(client, volunteer, registry):
    client.force_login(volunteer)
    assert client.get(reverse("teams:export", args=["csv"])).status_code == 403
    assert (
        client.get(reverse("teams:team_detail", args=[registry["our_team"].pk])).status_code == 403
    )


def test_the_teams_link_is_in_the_navigation_of_signed_in_users(client, organiser):
    client.force_login(organiser)
    assert f'href="{reverse("teams:team_list")}"' in page(client, reverse("campaign:overview"))


# Teams ------------------------------------------------------------------------------


def test_team_list_shows_teams_by_commune_with_member_counts(
    client, organiser, registry, mine, elsewhere, django_assert_max_num_queries
):
    client.force_login(organiser)
    with django_assert_max_num_queries(12):
        html = page(client, reverse("teams:team_list"))
    assert mine.name in html and elsewhere.name in html
    assert "Tổ công nghệ số 1" in html and "Tổ công nghệ số 9" in html
    assert '<td class="number">2</td>' in html and '<td class="number">1</td>' in html


def test_team_list_is_filtered_by_commune(client, organiser, registry, mine):
    client.force_login(organiser)
    html = page(client, reverse("teams:team_list"), commune=mine.pk)
    assert "Tổ công nghệ số 1" in html
    assert "Tổ công nghệ số 9" not in html


def test_a_coordinator_sees_only_their_communes_teams(client, coordinator, registry, elsewhere):
    client.force_login(coordinator)
    html = page(client, reverse("teams:team_list"))
    assert "Tổ công nghệ số 1" in html
    assert "Tổ công nghệ số 9" not in html
    assert f'value="{elsewhere.pk}"' not in html  # nor in the commune select


def test_team_page_lists_members_leader_first(client, coordinator, registry):
    client.force_login(coordinator)
    html = page(client, reverse("teams:team_detail", args=[registry["our_team"].pk]))
    assert html.index("Nguyễn Văn An") < html.index("Trần Thị Bình")
    assert "0912 345 678" in html  # as people read it


def test_a_coordinator_gets_404_for_another_communes_team_and_volunteer(
    client, coordinator, registry
):
    client.force_login(coordinator)
    their_team = registry["their_team"].pk
    for url in [
        reverse("teams:team_detail", args=[their_team]),
        reverse("teams:team_edit", args=[their_team]),
        reverse("teams:volunteer_edit", args=[registry["cuong"].pk]),
    ]:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("teams:membership_add", args=[their_team]),
        {"phone": "0912345678", "role": "member"},
    )
    assert response.status_code == 404


def test_a_new_team_is_saved_with_its_name_tidied(client, coordinator, mine):
    client.force_login(coordinator)
    page(client, reverse("teams:team_new"))
    response = client.post(
        reverse("teams:team_new"), {"commune": mine.pk, "name": "  Tổ   sinh viên ", "village": ""}
    )
    team = Team.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:team_detail", args=[team.pk])
    assert (team.commune, team.name) == (mine, "Tổ sinh viên")


def test_a_team_name_already_in_the_commune_is_a_form_error_whatever_the_case(
    client, coordinator, registry, mine
):
    client.force_login(coordinator)
    response = client.post(
        reverse("teams:team_new"), {"commune": mine.pk, "name": "TỔ CÔNG NGHỆ SỐ 1", "village": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{mine.name} already has a team called “Tổ công nghệ số 1”" in html
    assert MISSING not in html
    assert Team.objects.filter(commune=mine).count() == 1


def test_renaming_a_team_keeps_its_own_name_free(client, coordinator, registry, mine):
    client.force_login(coordinator)
    team = registry["our_team"]
    response = client.post(
        reverse("teams:team_edit", args=[team.pk]),
        {"commune": mine.pk, "name": "tổ công nghệ số 1", "village": "Thôn 3"},
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.village) == ("tổ công nghệ số 1", "Thôn 3")


def test_a_team_cannot_be_put_in_a_commune_one_cannot_see(client, coordinator, elsewhere):
    client.force_login(coordinator)
    response = client.post(reverse("teams:team_new"), {"commune": elsewhere.pk, "name": "Tổ 1"})
    assert response.status_code == 200
    assert not Team.objects.exists()


def test_members_are_added_by_phone_and_removed_on_the_team_page(client, coordinator, registry):
    client.force_login(coordinator)
    team = registry["our_team"]
    url = reverse("teams:membership_add", args=[team.pk])
    response = client.post(url, {"phone": "0961 234 567", "role": "deputy"})
    assert response.status_code == 302
    membership = Membership.objects.get(team=team, volunteer=registry["cuong"])
    assert membership.role == "deputy"

    again = client.post(url, {"phone": "+84961234567", "role": "member"})
    assert again.status_code == 400
    assert "Lý Văn Cường is already in this team" in again.content.decode()
    unknown = client.post(url, {"phone": "0977 000 111", "role": "member"})
    assert "No volunteer has the number 0977 000 111 yet" in unknown.content.decode()

    response = client.post(reverse("teams:membership_remove", args=[team.pk, membership.pk]))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


# Volunteers -------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["nguyen van an", "Nguyễn Văn An", "0912 345", "912345678"])
def test_volunteers_are_found_by_name_or_phone_typed_any_way(client, organiser, registry, typed):
    client.force_login(organiser)
    html = page(client, reverse("teams:volunteer_list"), q=typed)
    assert "Nguyễn Văn An" in html
    assert "Trần Thị Bình" not in html


def test_a_coordinator_lists_and_finds_only_their_communes_volunteers(
    client, coordinator, registry
):
    client.force_login(coordinator)
    html = page(client, reverse("teams:volunteer_list"))
    assert "Nguyễn Văn An" in html and "Trần Thị Bình" in html
    assert "Lý Văn Cường" not in html
    html = page(client, reverse("teams:volunteer_list"), q="cuong")
    assert "Lý Văn Cường" not in html
    assert "No volunteer matches your search." in html


def test_a_new_volunteer_is_stored_in_e164_and_found_without_diacritics(client, coordinator, mine):
    client.force_login(coordinator)
    page(client, reverse("teams:volunteer_new"))
    response = client.post(
        reverse("teams:volunteer_new"),
        {
            "full_name": " Hoàng  Thu Hà ",
            "phone": "091.234.5670",
            "affiliation": "student",
            "organisation": "ĐH Nông Lâm",
            "home_commune": mine.pk,
            "languages": "Tày, Nùng , ,Tày",
            "skills": "VNeID",
            "active": "on",
        },
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert (volunteer.full_name, volunteer.phone, volunteer.search_name) == (
        "Hoàng Thu Hà",
        "+84912345670",
        "hoang thu ha",
    )
    assert (volunteer.languages, volunteer.skills) == (["Tày", "Nùng"], ["VNeID"])
    edit = page(client, reverse("teams:volunteer_edit", args=[volunteer.pk]))
    assert 'value="Tày, Nùng"' in edit
    assert "Hoàng Thu Hà" in page(client, reverse("teams:volunteer_list"), q="thu ha")


def test_an_old_eleven_digit_number_is_changed_with_a_warning(client, coordinator, mine):
    client.force_login(coordinator)
    response = client.post(
        reverse("teams:volunteer_new"),
        {
            "full_name": "Vi Văn Dũng",
            "phone": "01662345678",
            "affiliation": "other",
            "home_commune": mine.pk,
        },
        follow=True,
    )
    assert Volunteer.objects.get().phone == "+84362345678"
    assert "old 11-digit number 01662345678 changed to 0362345678" in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("024 3825 1234", "“024 3825 1234” is a landline: it cannot receive SMS"),
        ("0891234567", "“0891234567” is not a valid Vietnamese phone number"),
        ("09123abc78", "“09123abc78” has characters that are not digits"),
    ],
)
def test_a_phone_the_import_refuses_is_a_form_error_with_its_reason(
    client, coordinator, registry, mine, typed, reason
):
    client.force_login(coordinator)
    data = {
        "full_name": "Vi Văn Dũng",
        "phone": typed,
        "affiliation": "other",
        "home_commune": mine.pk,
    }
    response = client.post(reverse("teams:volunteer_new"), data)
    assert response.status_code == 200
    assert reason in response.content.decode()
    an = registry["an"]
    data["full_name"] = an.full_name
    response = client.post(reverse("teams:volunteer_edit", args=[an.pk]), data)
    assert reason in response.content.decode()
    an.refresh_from_db()
    assert an.phone == "+84912345678"
    assert Volunteer.objects.count() == 3


def test_a_phone_that_belongs_to_someone_else_is_a_form_error_naming_them(
    client, coordinator, registry, mine
):
    client.force_login(coordinator)
    data = {
        "full_name": "Vi Văn Dũng",
        "phone": "0912 345 678",
        "affiliation": "other",
        "home_commune": mine.pk,
    }
    response = client.post(reverse("teams:volunteer_new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "0912 345 678 already belongs to Nguyễn Văn An" in html
    assert MISSING not in html
    binh = registry["binh"]
    response = client.post(reverse("teams:volunteer_edit", args=[binh.pk]), data)
    assert "0912 345 678 already belongs to Nguyễn Văn An" in response.content.decode()
    assert Volunteer.objects.count() == 3


def test_editing_a_volunteer_keeps_their_own_phone_and_refolds_the_name(
    client, coordinator, registry, mine
):
    client.force_login(coordinator)
    an = registry["an"]
    page(client, reverse("teams:volunteer_edit", args=[an.pk]))
    response = client.post(
        reverse("teams:volunteer_edit", args=[an.pk]),
        {
            "full_name": "Nguyễn Văn Ân",
            "phone": "+84912345678",
            "affiliation": "youth_union",
            "home_commune": mine.pk,
        },
    )
    assert response.status_code == 302
    an.refresh_from_db()
    assert (an.search_name, an.affiliation, an.active) == ("nguyen van an", "youth_union", False)


def test_a_home_commune_one_cannot_see_is_refused(client, coordinator, elsewhere):
    client.force_login(coordinator)
    response = client.post(
        reverse("teams:volunteer_new"),
        {
            "full_name": "Vi Văn Dũng",
            "phone": "0912345670",
            "affiliation": "other",
            "home_commune": elsewhere.pk,
        },
    )
    assert response.status_code == 200
    assert not Volunteer.objects.exists()


# Export -----------------------------------------------------------------------------


def test_a_coordinator_exports_only_their_communes(client, coordinator, registry):
    client.force_login(coordinator)
    response = client.get(reverse("teams:export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="thanh-vien-')
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == VI_HEADER
    assert "Nguyễn Văn An" in text and "Trần Thị Bình" in text
    assert "Lý Văn Cường" not in text


def test_the_xlsx_export_of_one_commune(client, organiser, registry, mine, elsewhere):
    client.force_login(organiser)
    response = client.get(reverse("teams:export", args=["xlsx"]), {"commune": elsewhere.pk})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert list(rows[0]) == VI_HEADER.split(",")
    assert [row[3] for row in rows[1:]] == ["Lý Văn Cường"]


def test_exporting_a_commune_one_cannot_see_is_404(client, coordinator, registry, elsewhere):
    client.force_login(coordinator)
    url = reverse("teams:export", args=["xlsx"])
    assert client.get(url, {"commune": elsewhere.pk}).status_code == 404
    assert client.get(url, {"commune": "abc"}).status_code == 404


# Import -----------------------------------------------------------------------------


def test_the_import_page_offers_only_visible_provinces(client, coordinator, lang_son, cao_bang):
    client.force_login(coordinator)
    html = page(client, reverse("teams:import_upload"))
    assert f'value="{lang_son.pk}" selected' in html
    assert f'value="{cao_bang.pk}"' not in html
    response = upload(client, cao_bang, [",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,"])
    assert response.status_code == 200
    assert not ImportJob.objects.exists()


def test_the_preview_writes_nothing_and_shows_errors_with_line_numbers(
    client, organiser, lang_son
):
    client.force_login(organiser)
    response = upload(
        client,
        lang_son,
        [
            ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,Tổ trưởng,,",
            ",Đông Kinh,Tổ 1,Trần Bình,024 3825 1234,,,",
            ",Xã Không Có,Tổ 1,Lê Cường,0912345670,,,",
        ],
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("teams:import_detail", args=[job.pk])
    assert snapshot() == ([], [], [])
    assert (job.status, job.rows_total, job.error_count) == ("previewed", 3, 2)
    assert job.original_name == "members.csv"
    assert job.file.name.startswith("imports/")

    html = page(client, response["Location"])
    assert (
        "<td>3</td><td>Số điện thoại</td><td>“024 3825 1234” is a landline: it cannot receive SMS</td>"
        in html
    )
    assert "<td>4</td><td>Xã/Phường</td><td>no commune is called “Xã Không Có” here</td>" in html
    # The counts match the rows: one valid row would be imported, two are skipped.
    assert job.report["created"] + job.report["updated"] + job.report["unchanged"] == 1
    assert job.report["skipped"] == 2
    assert "2 rows have errors and cannot be imported." in html
    assert "Skip invalid rows and import the rest" in html
    response = client.post(reverse("teams:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    assert snapshot() == ([], [], [])


def test_rows_in_communes_outside_ones_scope_are_errors(client, coordinator, elsewhere, lang_son):
    client.force_login(coordinator)
    upload(client, lang_son, [f"{elsewhere.code},,Tổ 1,Nguyễn An,0912345678,,,"])
    job = ImportJob.objects.get()
    assert job.report["errors"] == [
        {
            "line": 2,
            "column": "Mã xã",
            "message": f"no commune has code {elsewhere.code} in Lạng Sơn",
        }
    ]


def test_an_unreadable_file_is_a_form_error(client, organiser, lang_son):
    client.force_login(organiser)
    bad = SimpleUploadedFile("members.xlsx", b"not a workbook")
    response = client.post(reverse("teams:import_upload"), {"file": bad, "province": lang_son.pk})
    assert response.status_code == 200
    assert "members.xlsx is not a readable .xlsx workbook" in response.content.decode()
    other = SimpleUploadedFile("members.txt", b"hello")
    response = client.post(
        reverse("teams:import_upload"), {"file": other, "province": lang_son.pk}
    )
    assert "members.txt: only .xlsx and .csv files can be imported" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_confirming_a_small_import_writes_it(client, organiser, lang_son):
    client.force_login(organiser)
    upload(
        client,
        lang_son,
        [
            ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,Tổ trưởng,Đoàn viên,",
            ",Đông Kinh,Tổ 1,Trần Bình,0912345679,,,",
        ],
    )
    job = ImportJob.objects.get()
    html = page(client, reverse("teams:import_detail", args=[job.pk]))
    assert reverse("teams:import_confirm", args=[job.pk]) in html
    response = client.post(reverse("teams:import_confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done"
    assert (job.report["created"], job.rows_done, job.rows_total) == (2, 2, 2)
    assert Membership.objects.get(volunteer__phone="+84912345678").role == "leader"
    assert Team.objects.get().name == "Tổ 1"
    html = page(client, reverse("teams:import_detail", args=[job.pk]))
    assert "The import is finished." in html


def test_skipping_invalid_rows_imports_the_valid_ones(client, organiser, lang_son):
    client.force_login(organiser)
    upload(
        client,
        lang_son,
        [",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,", ",Đông Kinh,Tổ 1,Trần Bình,0912,,,"],
        skip_invalid=True,
    )
    job = ImportJob.objects.get()
    client.post(reverse("teams:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.report["created"], job.report["skipped"]) == ("done", 1, 1)
    assert list(Volunteer.objects.values_list("full_name", flat=True)) == ["Nguyễn An"]


def test_a_job_cannot_be_confirmed_twice(client, organiser, lang_son):
    client.force_login(organiser)
    upload(client, lang_son, [",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,"])
    job = ImportJob.objects.get()
    url = reverse("teams:import_confirm", args=[job.pk])
    client.post(url)
    Volunteer.objects.update(full_name="Changed since")
    response = client.post(url, follow=True)
    assert "This import was confirmed already." in response.content.decode()
    job.refresh_from_db()
    assert job.report["created"] == 1
    assert Volunteer.objects.get().full_name == "Changed since"  # not imported again


def test_a_large_file_is_queued_and_its_progress_can_be_read(
    client, organiser, lang_son, settings, django_capture_on_commit_callbacks
):
    settings.TEAMS_IMPORT_QUEUE_ROWS = 2
    client.force_login(organiser)
    upload(
        client,
        lang_son,
        [
            ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,",
            ",Đông Kinh,Tổ 1,Trần Bình,0912345679,,,",
            ",Đông Kinh,Tổ 2,Lê Cường,0912345670,,,",
        ],
    )
    job = ImportJob.objects.get()
    html = page(client, reverse("teams:import_detail", args=[job.pk]))
    assert "This file is large: it is imported in the background" in html
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("teams:import_confirm", args=[job.pk]))
        job.refresh_from_db()
        assert job.status == "queued"  # the task is sent only after the commit
    assert len(callbacks) == 1
    progress = client.get(reverse("teams:import_progress", args=[job.pk])).json()
    assert progress["status"] == "done"
    assert progress["rows_done"] == progress["rows_total"] == 3
    assert progress["error_count"] == 0
    assert progress["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "skipped": 0}
    assert Membership.objects.count() == 3


def test_the_page_of_a_running_job_shows_a_progress_bar(client, organiser, lang_son):
    client.force_login(organiser)
    job = ImportJob.objects.create(
        uploaded_by=organiser,
        province=lang_son,
        original_name="big.xlsx",
        file="imports/big.xlsx",
        status=ImportJob.Status.RUNNING,
        rows_total=9000,
        rows_done=4500,
        error_count=7,
    )
    html = page(client, reverse("teams:import_detail", args=[job.pk]))
    assert '<progress max="9000" value="4500">' in html
    assert reverse("teams:import_progress", args=[job.pk]) in html
    assert "import_progress.js" in html
    assert client.get(reverse("teams:import_progress", args=[job.pk])).json() == {
        "status": "running",
        "status_label": str(ImportJob.Status.RUNNING.label),
        "rows_done": 4500,
        "rows_total": 9000,
        "error_count": 7,
    }


def test_a_task_for_a_job_that_is_not_queued_does_nothing(client, organiser, lang_son):
    client.force_login(organiser)
    upload(client, lang_son, [",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,"])
    job = ImportJob.objects.get()
    run_import_job(job.pk)  # still a preview: nobody confirmed it
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    run_import_job(job.pk)  # a redelivered task while another worker runs it
    assert snapshot() == ([], [], [])


@pytest.mark.expect_error_log
def test_a_failing_import_is_marked_failed_and_writes_nothing(
    client, organiser, lang_son, monkeypatch
):
    client.force_login(organiser)
    upload(client, lang_son, [",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,"])
    job = ImportJob.objects.get()

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    # Fails after the new rows are inserted, inside the import's transaction.
    monkeypatch.setattr("teams.models.Volunteer.objects.bulk_update", explode)
    client.post(reverse("teams:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.failure) == ("failed", "database went away")
    assert snapshot() == ([], [], [])
    assert "database went away" in page(client, reverse("teams:import_detail", args=[job.pk]))


def test_another_coordinator_cannot_see_someones_job(
    client, coordinator, make_user, lang_son, organiser
):
    client.force_login(coordinator)
    upload(client, lang_son, [",Đông Kinh,Tổ 1,Nguyễn An,0912345678,,,"])
    job = ImportJob.objects.get()
    neighbour = make_user(
        "neighbour",
        kind=Role.Kind.COORDINATOR,
        province=lang_son,
        communes=Commune.objects.filter(province=lang_son).order_by("-code")[:1],
    )
    client.force_login(neighbour)
    for name in ["teams:import_detail", "teams:import_progress"]:
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("teams:import_confirm", args=[job.pk])).status_code == 404
    assert job.original_name not in page(client, reverse("teams:import_upload"))

    client.force_login(organiser)  # the province's organiser may look, not confirm
    html = page(client, reverse("teams:import_detail", args=[job.pk]))
    assert reverse("teams:import_confirm", args=[job.pk]) not in html
    client.post(reverse("teams:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "previewed"


def test_a_file_with_missing_columns_cannot_be_confirmed_even_skipping_invalid_rows(
    client, organiser, lang_son
):
    client.force_login(organiser)
    data = {
        "file": SimpleUploadedFile("members.csv", "Họ và tên,Tên tổ\nNguyễn An,Tổ 1\n".encode()),
        "province": lang_son.pk,
        "skip_invalid": "on",
    }
    client.post(reverse("teams:import_upload"), data)
    job = ImportJob.objects.get()
    html = page(client, reverse("teams:import_detail", args=[job.pk]))
    assert "<td>1</td><td>Số điện thoại</td><td>this column is missing</td>" in html
    assert "The columns of this file cannot be read" in html
    assert not job.can_be_confirmed


def test_a_volunteer_s_form_shows_their_number_as_people_read_it(client, organiser, registry):
    client.force_login(organiser)
    html = page(client, reverse("teams:volunteer_edit", args=[registry["an"].pk]))
    assert 'value="0912 345 678"' in html
    assert 'value="+84912345678"' not in html


def test_team_names_sort_with_their_numbers_as_numbers(client, organiser, mine):
    for name in ("Tổ 11", "Tổ 2", "Tổ 17", "Tổ thôn Bản Chu", "Tổ 14", "tổ 3"):
        Team.objects.create(commune=mine, name=name)
    client.force_login(organiser)
    html = page(client, reverse("teams:team_list"), commune=mine.pk)
    shown = [html.index(f">{name}<") for name in ("Tổ 2", "tổ 3", "Tổ 11", "Tổ 14", "Tổ 17")]
    assert shown == sorted(shown)
    assert html.index(">Tổ 17<") < html.index(">Tổ thôn Bản Chu<")


def test_natural_key_reads_numbers_as_numbers():
    from lib.text import natural_key

    names = ["Tổ 11", "Tổ 2", "Thôn 1 tổ 10", "Thôn 1 tổ 9", "Đội 1"]
    assert sorted(names, key=natural_key) == [
        "Đội 1",
        "Thôn 1 tổ 9",
        "Thôn 1 tổ 10",
        "Tổ 2",
        "Tổ 11",
    ]


def test_a_search_with_diacritics_ranks_the_names_written_so_first(client, organiser, mine):
    for name, phone in [
        ("Nông Thị Thanh", "+84912000001"),
        ("Lò Văn Hanh", "+84912000002"),
        ("Hoàng Thị Hạnh", "+84912000003"),
        ("Vi Văn Hành", "+84912000004"),
    ]:
        Volunteer.objects.create(full_name=name, phone=phone, home_commune=mine)
    client.force_login(organiser)
    html = page(client, reverse("teams:volunteer_list"), q="Hạnh")
    order = [html.index(name) for name in ("Hoàng Thị Hạnh", "Lò Văn Hanh", "Nông Thị Thanh")]
    assert order == sorted(order)  # as typed, then a word beginning so, then inside a word
    assert html.index("Vi Văn Hành") < html.index("Nông Thị Thanh")


def test_invalid_rows_are_skipped_from_the_preview_and_downloaded_to_fix(
    client, organiser, lang_son
):
    import csv
    import io

    client.force_login(organiser)
    upload(
        client,
        lang_son,
        [
            ",Đông Kinh,Tổ 1,Nguyễn An,0912345678,Tổ trưởng,,",
            ",Đông Kinh,Tổ 1,Trần Bình,024 3825 1234,,,",
            ",Xã Không Có,Tổ 1,Lê Cường,0912345670,,,",
        ],
    )
    job = ImportJob.objects.get()

    download = client.get(reverse("teams:import_errors", args=[job.pk, "csv"]))
    assert download.status_code == 200
    assert (
        download["Content-Disposition"] == f'attachment; filename="import-{job.pk}-dong-loi.csv"'
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [row[3] for row in rows[1:]] == ["Trần Bình", "Lê Cường"]
    assert "is a landline" in rows[1][-1] and "Xã Không Có" in rows[2][-1]
    xlsx = client.get(reverse("teams:import_errors", args=[job.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"

    response = client.post(reverse("teams:import_confirm", args=[job.pk]), {"skip_invalid": "yes"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.skip_invalid) == ("done", True)
    assert snapshot()[0] == [("+84912345678", "Nguyễn An")]
