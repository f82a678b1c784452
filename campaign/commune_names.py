"""Finding the commune a spreadsheet row names: by its official code, or by its name
with or without diacritics and without "Xã" or "Phường", among the communes an import
may write to. Every import that names communes uses these columns and this lookup."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign.models import Commune
from lib.spreadsheets.reading import clean_text
from lib.spreadsheets.tables import OneOf
from lib.text import fold

COMMUNE_PREFIXES = ("xa ", "phuong ", "dac khu ", "thi tran ")
# Columns -> (the header we write, every header we accept, folded and without spaces).
COMMUNE_COLUMNS = {
    "commune_code": ("Mã xã", {"communecode", "maxa", "maxaphuong", "madonvi"}),
    "commune": ("Xã/Phường", {"commune", "xaphuong", "xa", "phuong", "phuongxa"}),
}
CODE_OR_NAME = OneOf(
    ("commune_code", "commune"), gettext_lazy("give the commune's code or its name")
)


class CommuneIndex:
    """Finds a commune by official code, or by name with or without diacritics and prefix."""

    def __init__(self, communes: Iterable[Commune]):
        self.by_code, self.by_name = {}, {}
        for commune in communes:
            self.by_code[commune.code] = commune
            folded = fold(commune.name)
            names = {folded}
            for prefix in COMMUNE_PREFIXES:
                if folded.startswith(prefix):
                    names.add(folded.removeprefix(prefix))
            for name in names:
                self.by_name.setdefault(name, []).append(commune)

    def by_official_code(self, raw) -> Commune | None:
        text = clean_text(raw)
        # ASCII only: "²" passes isdigit() but not int(), and int() refuses 4,300 digits.
        if not (text.isascii() and text.isdigit()):
            return None
        return self.by_code.get(text.lstrip("0").rjust(5, "0"))

    def named(self, raw) -> list[Commune]:
        return self.by_name.get(fold(clean_text(raw)), [])


def resolve_commune(cell, index: CommuneIndex, problem, where: str) -> Commune | None:
    """The commune a row names by code and/or name, or None after calling `problem`.

    `where` names the communes looked in, for the message when a code is unknown.
    """
    code, name = clean_text(cell("commune_code")), clean_text(cell("commune"))
    if code:
        commune = index.by_official_code(code)
        if commune is None:
            problem(
                "commune_code",
                _("no commune has code %(code)s in %(where)s") % {"code": code, "where": where},
            )
            return None
        if name and commune not in index.named(name):
            problem(
                "commune",
                _("code %(code)s is %(official)s, not “%(name)s”")
                % {"code": code, "official": commune.name, "name": name},
            )
            return None
        return commune
    if not name:
        problem("commune", _("give the commune's code or its name"))
        return None
    matches = index.named(name)
    if not matches:
        problem("commune", _("no commune is called “%(name)s” here") % {"name": name})
        return None
    if len(matches) > 1:
        problem(
            "commune",
            _("“%(name)s” could be %(choices)s: give the commune code")
            % {
                "name": name,
                "choices": ", ".join(f"{c.name} ({c.code})" for c in matches),
            },
        )
        return None
    return matches[0]


def check_taking_part(cells, commune: Commune | None, campaign, taking_part) -> bool:
    """Whether the row's commune (found, or None) takes part in `campaign`; a problem
    for the row when it was found but does not. `taking_part` holds the pks that do."""
    if commune is None:
        return False
    if commune.pk in taking_part:
        return True
    cells.problem(
        "commune_code" if clean_text(cells("commune_code")) else "commune",
        _("%(commune)s does not take part in %(campaign)s")
        % {"commune": commune.name, "campaign": campaign.name},
    )
    return False
