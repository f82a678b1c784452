"""A help-session log's fields are listed once (sessions.logs.LOG_FIELDS): the phone
page's form, the sync API's schema and corrections are made from that list."""

from django.http import QueryDict

from sessions.api import HelpSessionIn
from sessions.logs import CORRECTABLE, FIELDS, LOG_FIELDS
from sessions.models import PRIORITY_GROUPS, HelpSession
from sessions.views.log import form_values, item_from_post


def test_the_api_schema_has_every_field_and_the_models_choices():
    schema = HelpSessionIn.model_json_schema()
    assert list(schema["properties"]) == [field.name for field in LOG_FIELDS]
    assert schema["properties"]["age_band"]["enum"] == ["", *HelpSession.AgeBand.values]
    assert schema["properties"]["gender"]["enum"] == ["", *HelpSession.Gender.values]
    assert schema["properties"]["outcome"]["enum"] == HelpSession.Outcome.values
    assert schema["properties"]["follow_up"]["enum"] == ["", *HelpSession.FollowUp.values]
    assert schema["properties"]["priority_groups"]["items"]["enum"] == list(PRIORITY_GROUPS)
    assert set(schema["required"]) == {f.name for f in LOG_FIELDS if f.required}


def test_the_page_posts_every_field_but_the_time_and_the_volunteer():
    assert set(form_values()) == FIELDS - {"helped_at", "volunteer"}
    post = QueryDict(mutable=True)
    post.update({"uuid": "u", "commune": "06280", "shift": "12", "consent": "on"})
    post.setlist("services", ["vneid", "portal"])
    item = item_from_post(post)
    assert set(item) == FIELDS - {"helped_at", "volunteer"}
    assert (item["shift"], item["campaign"], item["consent"]) == (12, None, True)
    assert item["services"] == ["vneid", "portal"]
    assert item["minutes"] == ""


def test_a_volunteer_corrects_the_details_never_where_when_or_whom():
    assert set(CORRECTABLE) == {
        "minutes", "services", "procedure", "priority_groups", "age_band", "gender",
        "outcome", "note",
    }  # fmt: skip
