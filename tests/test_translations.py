"""Vietnamese is the default language: every message is translated and compiled."""

import ast
import gettext
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES"


def po_entries(path):
    """(flags, msgid, msgid_plural, [msgstr...]) for each entry of a .po file."""
    entries, current, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current and current["msgid"]:
                entries.append(current)
            current, field = None, None
            continue
        current = current or {
            "flags": "", "context": None, "msgid": "", "plural": "", "msgstr": {}
        }  # fmt: skip
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field = ("context", None)
            current["context"] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith("msgid_plural "):
            field = ("plural", None)
            current["plural"] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith("msgid "):
            field = ("msgid", None)
            current["msgid"] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith("msgstr"):
            key = line[len("msgstr") :].split(" ", 1)[0].strip("[]") or "0"
            field = ("msgstr", int(key))
            current["msgstr"][int(key)] = ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith('"'):
            name, index = field
            text = ast.literal_eval(line)
            if name == "msgstr":
                current["msgstr"][index] += text
            else:
                current[name] += text
    return entries


def test_every_message_has_a_vietnamese_translation():
    entries = po_entries(LOCALE / "django.po")
    assert len(entries) > 40
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in po_entries(LOCALE / "django.po"):
        if entry["context"] is not None:
            found = catalogue.pgettext(entry["context"], entry["msgid"])
            assert found == entry["msgstr"][0], entry["msgid"]
        elif entry["plural"]:
            assert catalogue.ngettext(entry["msgid"], entry["plural"], 2) == entry["msgstr"][0]
        else:
            assert catalogue.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


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
