"""The upload field of every spreadsheet import page, and its "skip invalid rows" box."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.spreadsheets.reading import UnreadableFile, read_sheet

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class SpreadsheetField(forms.FileField):
    """An .xlsx or .csv file of at most MAX_UPLOAD_BYTES. With `read=True` the file is
    read as well: the cleaned upload carries its Sheet as `.sheet`, and an unreadable
    file is the field's error."""

    widget = forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"})

    def __init__(self, *, read: bool = False, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Spreadsheet"))
        super().__init__(**kwargs)
        self.read = read

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(
                _("%(name)s: only .xlsx and .csv files can be imported") % {"name": upload.name}
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(limit)s MB: split it into smaller files")
                % {"name": upload.name, "limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        if not self.read:
            return upload
        try:
            upload.sheet = read_sheet(upload.name, upload.read())
        except UnreadableFile as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return upload


def skip_invalid_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=gettext_lazy("Skip invalid rows"),
        required=False,
        help_text=gettext_lazy(
            "Import the valid rows even when other rows have errors. Without it, a file "
            "with any invalid row imports nothing."
        ),
    )
