"""Backups: deploy/backup.sh dumps the database, deploy/restore.sh brings it back whole.

The round trip runs on PostgreSQL (the second pass of .ci/run): a dump of the test
database is restored into a fresh database and compared row by row for what matters.
"""

import os
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from campaign.models import Campaign, Province, ServiceType
from sessions.models import HelpSession
from teams.models import Assignment, Volunteer

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TABLES = [
    "campaign_commune",
    "campaign_campaign",
    "campaign_servicetype",
    "teams_volunteer",
    "teams_assignment",
    "help_sessions_helpsession",
    "help_sessions_helpsession_services",
]


def run(script, *arguments, database_url):
    return subprocess.run(
        ["/bin/sh", str(DEPLOY / script), *arguments],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        check=False,
    )


def url_of(settings_dict, name=None):
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name or settings_dict['NAME']}"


def test_a_backup_needs_a_postgresql_url(tmp_path):
    result = run("backup.sh", str(tmp_path), database_url="sqlite:///db.sqlite3")
    assert result.returncode == 2
    assert "not a PostgreSQL URL" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_restore_names_the_file_it_cannot_read(tmp_path):
    missing = tmp_path / "nothing.dump"
    result = run("restore.sh", str(missing), database_url="postgres://postgres@127.0.0.1/x")
    assert result.returncode == 2
    assert str(missing) in result.stderr


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the backup round trip needs PostgreSQL (DATABASE_URL=postgres://...)")
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        if os.environ.get("CI"):
            pytest.fail("pg_dump and pg_restore are missing: apt-get install postgresql-client")
        pytest.skip("pg_dump and pg_restore are missing: apt-get install postgresql-client")
    return connection.settings_dict


def counts(database_url):
    with psycopg.connect(database_url) as db:
        return {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in TABLES}  # noqa: S608


def test_a_dump_restores_into_a_fresh_database_with_every_row(
    postgres, transactional_db, service_catalogue, provinces, make_user, tmp_path
):
    lang_son = Province.objects.get(code="20")
    campaign = Campaign.objects.create(
        name="45 ngày đêm",
        province=lang_son,
        start=timezone.localdate() - timedelta(days=2),
        sms_brand="SỞ TT&TT",
    )
    commune = lang_son.communes.order_by("code").first()
    mai = Volunteer.objects.create(
        full_name="Nông Thị Mai", phone="+84912345678", user=make_user("mai")
    )
    Assignment.objects.create(volunteer=mai, campaign=campaign, commune=commune)
    logged = HelpSession.objects.create(
        uuid=uuid.uuid4(),
        volunteer=mai,
        campaign=campaign,
        commune=commune,
        helped_at=timezone.now(),
        note="Bà cụ 80 tuổi, đã kích hoạt VNeID",
        content_digest="x",
    )
    logged.services.set(ServiceType.objects.filter(code__in=["eid_account", "eid_level_2"]))

    source = url_of(postgres)
    backup = run("backup.sh", str(tmp_path), database_url=source)
    assert backup.returncode == 0, backup.stderr
    dump = Path(backup.stdout.strip())
    assert dump.parent == tmp_path and dump.name.endswith(".dump") and dump.stat().st_size
    assert not list(tmp_path.glob("*.partial"))

    fresh = f"restore_check_{os.getpid()}"
    admin_url = url_of(postgres, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        target = url_of(postgres, fresh)
        restored = run("restore.sh", str(dump), database_url=target)
        assert restored.returncode == 0, restored.stderr
        assert counts(target) == counts(source)
        assert counts(target)["help_sessions_helpsession_services"] == 2
        with psycopg.connect(target) as db:
            note = db.execute(
                "SELECT note FROM help_sessions_helpsession WHERE uuid = %s", [logged.uuid]
            ).fetchone()
        assert note == ("Bà cụ 80 tuổi, đã kích hoạt VNeID",)
        # Restoring the same dump again over what is there is clean too (--clean).
        again = run("restore.sh", str(dump), database_url=target)
        assert again.returncode == 0, again.stderr
        assert counts(target) == counts(source)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
