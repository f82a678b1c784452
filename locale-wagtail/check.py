"""Compare this catalogue with the strings of the installed Wagtail and wagtail-localize.

    python locale-wagtail/check.py         list the strings missing here, and those gone
    python locale-wagtail/check.py --add   also add the missing ones, untranslated

Run it after upgrading Wagtail or wagtail-localize: translate what --add brought in, then
compile (make messages). The Python and template strings come from running makemessages
over a copy of the two packages; the JavaScript ones from the English catalogues they
ship, which list exactly what their bundles ask for. Django's own strings kept here (their
references start with "django/") are never reported as gone.
"""

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

HERE = Path(__file__).resolve().parent / "vi" / "LC_MESSAGES"
PACKAGES = ["wagtail", "wagtail_localize"]
# Parts of the packages the project does not install, and their tests.
LEFT_OUT = [
    "tests",
    "test",
    "locale",
    "static",
    "static_src",
    "__pycache__",
    "project_template",
    "bin",
    "modeladmin",
    "styleguide",
    "search_promotions",
    "table_block",
    "typed_table_block",
    "frontend_cache",
    "sitemaps",
    "legacy",
]


def package_dir(name):
    return Path(importlib.util.find_spec(name).origin).parent


def python_strings():
    """Every msgid of the two packages' Python code and templates."""
    with tempfile.TemporaryDirectory() as tmp:
        for name in PACKAGES:
            shutil.copytree(
                package_dir(name), Path(tmp) / name, ignore=shutil.ignore_patterns(*LEFT_OUT)
            )
        (Path(tmp) / "locale").mkdir()
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        command = [sys.executable, "-m", "django", "makemessages", "-l", "vi", "-e", "html,txt,py"]
        subprocess.run(command, cwd=tmp, env=env, check=True, capture_output=True)  # noqa: S603
        return polib.pofile(str(Path(tmp) / "locale" / "vi" / "LC_MESSAGES" / "django.po"))


def javascript_strings():
    found = polib.POFile()
    for name in PACKAGES:
        for path in package_dir(name).glob("**/locale/en/LC_MESSAGES/djangojs.po"):
            found.extend(polib.pofile(str(path)))
    return found


def key(entry):
    return (entry.msgctxt, entry.msgid)


def compare(domain, source, add):
    path = HERE / f"{domain}.po"
    ours = polib.pofile(str(path), wrapwidth=0)
    have = {key(entry) for entry in ours}
    wanted = {key(entry): entry for entry in source}
    missing = [entry for k, entry in wanted.items() if k not in have]
    gone = [
        entry
        for entry in ours
        if key(entry) not in wanted
        and not all(ref.startswith("django/") for ref, _line in entry.occurrences)
    ]
    for entry in missing:
        print(f"{domain}: missing: {entry.msgid!r}")
    for entry in gone:
        print(f"{domain}: gone from Wagtail: {entry.msgid!r}")
    if add and missing:
        for entry in missing:
            refs = sorted({ref for ref, _line in entry.occurrences})[:2]
            fresh = polib.POEntry(
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                occurrences=[(ref, "") for ref in refs],
                flags=entry.flags,
                msgstr="",
                msgstr_plural={0: ""} if entry.msgid_plural else {},
            )
            ours.append(fresh)
        ours.save(str(path))
        print(f"{domain}: added {len(missing)} untranslated entries to {path.name}")
    return len(missing) + len(gone)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--add", action="store_true", help="add missing strings, untranslated")
    add = parser.parse_args().add
    differences = compare("django", python_strings(), add)
    differences += compare("djangojs", javascript_strings(), add)
    print("up to date" if not differences else f"{differences} differences")
    return 1 if differences and not add else 0


if __name__ == "__main__":
    sys.exit(main())
