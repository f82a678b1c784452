"""PostgreSQL: a text-search configuration that ignores diacritics (đ included).

'simple' (no stemming: Vietnamese has no inflection) with the unaccent dictionary in
front, used by the search backend (SEARCH_CONFIG in config/settings.py) for both the
index and the query. SQLite needs nothing here: guides also index a copy of their text
without diacritics, and queries are folded the same way.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'digihelp_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION digihelp_unaccent (COPY = pg_catalog.simple);
        ALTER TEXT SEARCH CONFIGURATION digihelp_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
    END IF;
END
$$;
"""
DROP = "DROP TEXT SEARCH CONFIGURATION IF EXISTS digihelp_unaccent;"


def create_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("cms", "0004_sections_and_review_workflow")]

    operations = [migrations.RunPython(create_configuration, drop_configuration)]
