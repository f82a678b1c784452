"""Tag the messages queued before messages had tags (see campaign.models.campaign_tag).

From now on the outbox takes each message's tag from its subject; this gives the ones
already queued theirs, from the same subjects, so the dashboard counts them too.
"""

from django.db import migrations
from django.db.models import BigIntegerField, Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat


def text(expression):
    return Cast(expression, output_field=CharField())


def tagged(campaign, commune=None):
    if commune is None:
        return Concat(Value("campaign:"), text(campaign), output_field=CharField())
    return Concat(
        Value("campaign:"),
        text(campaign),
        Value(":commune:"),
        text(commune),
        output_field=CharField(),
    )


def tag_messages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Message = apps.get_model("notifications", "Message")
    subjects = {
        ("help_sessions", "helpsession"): tagged(F("campaign_id"), F("commune_id")),
        ("teams", "shift"): tagged(F("campaign_id"), F("commune_id")),
        ("teams", "assignment"): tagged(F("campaign_id"), F("commune_id")),
        ("teams", "shiftsignup"): tagged(F("shift__campaign_id"), F("shift__commune_id")),
        ("teams", "broadcast"): Case(
            When(team__isnull=False, then=tagged(F("campaign_id"), F("team__commune_id"))),
            When(commune__isnull=False, then=tagged(F("campaign_id"), F("commune_id"))),
            default=tagged(F("campaign_id")),
            output_field=CharField(),
        ),
    }
    key = Cast(OuterRef("subject_id"), output_field=BigIntegerField())
    for (app_label, model_name), tag in subjects.items():
        content_type = ContentType.objects.filter(app_label=app_label, model=model_name).first()
        if content_type is None:  # a new database: nothing of this kind was ever sent
            continue
        model = apps.get_model(app_label, model_name)
        owned = model.objects.filter(pk=key)
        if model_name == "broadcast":
            owned = owned.filter(campaign__isnull=False)
        Message.objects.filter(subject_type=content_type, tag="").exclude(subject_id="").update(
            tag=Coalesce(Subquery(owned.annotate(tag=tag).values("tag")[:1]), Value(""))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("help_sessions", "0003_daily_rollups"),
        ("notifications", "0005_message_tag"),
        ("teams", "0007_schedule_understaffed_warning"),
    ]

    operations = [migrations.RunPython(tag_messages, migrations.RunPython.noop)]
