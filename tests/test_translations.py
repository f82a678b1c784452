"""Vietnamese is the default language: every message is translated and compiled."""

import gettext
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES"


def test_every_message_has_a_vietnamese_translation():
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    assert len(catalogue) > 40
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in polib.pofile(str(LOCALE / "django.po")).translated_entries():
        if entry.msgctxt is not None:
            found = catalogue.pgettext(entry.msgctxt, entry.msgid)
            assert found == entry.msgstr, entry.msgid
        elif entry.msgid_plural:
            found = catalogue.ngettext(entry.msgid, entry.msgid_plural, 2)
            assert found == entry.msgstr_plural[0], entry.msgid
        else:
            assert catalogue.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_import_problems_speak_vietnamese_by_default(tmp_path, lang_son):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "members.csv"
    path.write_text("Xã/Phường,Tên tổ,Họ và tên,Số điện thoại\nĐông Kinh,Tổ 1,An,024 3825 1234\n")
    err = StringIO()
    try:
        call_command(
            "import_members", str(path), "--province", "20", stderr=err, stdout=StringIO()
        )
    except SystemExit as exit_:
        assert exit_.code == 1
    assert "dòng 2, Số điện thoại: “024 3825 1234” là số máy bàn" in err.getvalue()


def test_organiser_pages_speak_vietnamese_by_default(client, organiser):
    client.force_login(organiser)
    html = client.get("/teams/volunteers/?q=0243").content.decode()
    assert '<html lang="vi">' in html
    assert "Tình nguyện viên" in html


# Words Vietnamese writes as English does, and messages made of placeholders only.
SAME_IN_BOTH = {
    "video",
    "Video",
    "%(object)s #%(id)s %(operation)s",
    # Names of channels, as Vietnamese writes them.
    "Zalo",
    "SMS %(sms)s, Zalo %(zalo)s",
}


def test_no_vietnamese_entry_is_left_as_its_english_source():
    """An entry copied from English reads as English on the page: each one that equals its
    source must be a word Vietnamese borrows as is."""
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    same = {
        entry.msgid
        for entry in catalogue.translated_entries()
        if entry.msgstr == entry.msgid
        or (entry.msgid_plural and entry.msgstr_plural.get(0) in (entry.msgid, entry.msgid_plural))
    }
    assert same <= SAME_IN_BOTH, sorted(same - SAME_IN_BOTH)


def test_staff_pages_have_every_string_translated_and_none_fuzzy():
    """Fuzzy or empty entries of the templates and views of the staff pages (the apps'
    code outside the public CMS) would show English or a wrong guess."""
    catalogue = polib.pofile(str(LOCALE / "django.po"))
    staff = ("campaign/", "teams/", "sessions/", "desk/", "notifications/", "config/")
    bad = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete
        and any(path.startswith(staff) for path, _line in entry.occurrences)
        and (not entry.translated() or "fuzzy" in entry.flags)
    ]
    assert bad == []
