"""The kinds of notification, and the values each offers a Zalo template.

The apps that compose notifications register their kinds when Django starts (their
AppConfig.ready), so the outbox knows no team or shift, and the admin offers, for each
kind, the values a template's parameters may show:

    register("shift_reminder", _("Shift reminder"), {"name": _("Volunteer's name"), ...})
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    # The values a notification of this kind carries: {name: label}.
    fields: dict = field(default_factory=dict)


KINDS: dict[str, Kind] = {}


def register(code: str, label, fields: dict | None = None) -> Kind:
    kind = Kind(code, label, dict(fields or {}))
    KINDS[code] = kind
    return kind


def label(code: str) -> str:
    kind = KINDS.get(code)
    return str(kind.label) if kind else code


def choices() -> list[tuple[str, str]]:
    return sorted(((k.code, str(k.label)) for k in KINDS.values()), key=lambda c: c[1])


def field_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The values of every kind, grouped by kind, for the admin's parameter form."""
    return [
        (str(kind.label), [(name, str(text)) for name, text in kind.fields.items()])
        for kind in sorted(KINDS.values(), key=lambda k: str(k.label))
        if kind.fields
    ]
