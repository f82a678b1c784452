from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from lib.day_fields import DayField, MomentField

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class Dates(forms.Form):
    day = DayField(label="Ngày", help_text="Để trống: hôm nay")
    moment = MomentField(label="Lúc", required=False)


@pytest.mark.parametrize("typed", ["07/12/2026", "07-12-2026", "07.12.2026", "2026-12-07"])
def test_a_day_is_read_as_day_month_year(typed):
    form = Dates({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == date(2026, 12, 7)


@pytest.mark.parametrize("typed", ["12/31/2026", "31/02/2026", "soon", "7 tháng 12"])
def test_a_day_that_is_no_day_says_how_to_write_one(typed):
    with translation.override("vi"):
        form = Dates({"day": typed})
        assert not form.is_valid()
        assert form.errors["day"] == ["Nhập ngày theo dạng dd/mm/yyyy, ví dụ 07/12/2026."]


@pytest.mark.parametrize(
    "typed", ["07/12/2026 07:30", "07/12/2026 7h30", "2026-12-07T07:30", "07/12/2026 07:30"]
)
def test_a_moment_is_read_as_day_and_24_hour_time(typed):
    form = Dates({"day": "07/12/2026", "moment": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["moment"] == datetime(2026, 12, 7, 7, 30, tzinfo=VIETNAM)


def test_the_boxes_show_and_say_the_format():
    with translation.override("vi"):
        form = Dates(
            initial={
                "day": date(2026, 12, 7),
                "moment": datetime(2026, 12, 7, 19, 5, tzinfo=VIETNAM),
            }
        )
        html = str(form)
    assert 'value="07/12/2026"' in html
    assert 'value="07/12/2026 19:05"' in html
    assert 'placeholder="dd/mm/yyyy"' in html
    assert "Để trống: hôm nay · ngày/tháng/năm (dd/mm/yyyy)" in html


@pytest.mark.parametrize("language", ["vi", "en"])
def test_pages_print_days_as_day_month_year_in_both_languages(language):
    template = Template("{{ day }}|{{ moment }}|{{ day|date:'SHORT_DATE_FORMAT' }}")
    with translation.override(language):
        text = template.render(
            Context(
                {"day": date(2026, 12, 7), "moment": datetime(2026, 12, 7, 19, 5, tzinfo=VIETNAM)}
            )
        )
    assert text == "07/12/2026|07/12/2026 19:05|07/12/2026"
