"""Accounts keep a person's whole name, family name first, in `first_name` (and nothing
in `last_name`), so that every page and both admins print "Nông Văn Minh", never "Minh
Nông Văn". A volunteer's account takes its name from their record in the registry."""

from django.db import migrations


def family_name_first(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Volunteer = apps.get_model("teams", "Volunteer")
    registry_names = dict(
        Volunteer.objects.filter(user__isnull=False).values_list("user_id", "full_name")
    )
    changed = []
    for user in User.objects.only("pk", "first_name", "last_name"):
        name = registry_names.get(user.pk) or " ".join(
            part for part in (user.last_name, user.first_name) if part
        )
        name = " ".join(name.split())[:150]
        if (user.first_name, user.last_name) != (name, ""):
            user.first_name, user.last_name = name, ""
            changed.append(user)
    User.objects.bulk_update(changed, ["first_name", "last_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0008_schedule_purge_expired_records"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(family_name_first, migrations.RunPython.noop)]
