"""Form fields for days and times, typed and shown as people in Vietnam write them:
07/12/2026 and 07/12/2026 07:30.

A browser's own date picker shows the format of the browser's language (12/07/2026 in
an English one), so these are text boxes that say the format they take. They also take
the ISO form (2026-12-07), which links and query strings use.
"""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DAY_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
TIME_FORMATS = ["%H:%M", "%Hh%M", "%Hh"]
MOMENT_FORMATS = [
    f"{day}{separator}{time}"
    for day in DAY_FORMATS
    for separator in (" ", "T")
    for time in TIME_FORMATS
]


def with_hint(help_text, hint):
    return format_lazy("{} · {}", help_text, hint) if help_text else hint


class DayField(forms.DateField):
    """dd/mm/yyyy in a text box that says so."""

    def __init__(self, *, help_text="", **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                format="%d/%m/%Y",
                attrs={"placeholder": "dd/mm/yyyy", "size": 10, "autocomplete": "off"},
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {"invalid": _("Write the day as dd/mm/yyyy, for example 07/12/2026.")},
        )
        super().__init__(
            input_formats=DAY_FORMATS,
            help_text=with_hint(help_text, _("dd/mm/yyyy")),
            **kwargs,
        )


class MomentField(forms.DateTimeField):
    """dd/mm/yyyy hh:mm (24 hours) in a text box that says so."""

    def __init__(self, *, help_text="", **kwargs):
        kwargs.setdefault(
            "widget",
            forms.DateTimeInput(
                format="%d/%m/%Y %H:%M",
                attrs={"placeholder": "dd/mm/yyyy hh:mm", "size": 16, "autocomplete": "off"},
            ),
        )
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _(
                    "Write the day and time as dd/mm/yyyy hh:mm, for example 07/12/2026 07:30."
                )
            },
        )
        super().__init__(
            input_formats=MOMENT_FORMATS,
            help_text=with_hint(help_text, _("dd/mm/yyyy hh:mm, 24 hours")),
            **kwargs,
        )
