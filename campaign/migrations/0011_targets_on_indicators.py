"""Every commune's targets moved onto indicators: the three fixed targets, and the
free-text "name = number" ones whose name is an indicator's (in Vietnamese or English,
with or without diacritics, or one of the other names below). A free-text target no
indicator takes (its name matches none, or its number does not fit the indicator's unit)
stays, as an unmatched target the campaign's targets page lists for an organiser to set
again, and is listed here."""

from decimal import Decimal

from django.db import migrations, models

from lib.text import compact_key

# Other names organisers gave these targets; names match whatever their case, diacritics,
# spacing and punctuation (lib.text.compact_key).
SYNONYMS = {
    "citizens_helped": {"so nguoi dan duoc ho tro", "nguoi dan", "citizens"},
    "eid_accounts": {"tai khoan vneid", "vneid", "tao tai khoan vneid", "vneid accounts"},
    "eid_level_2": {"kich hoat vneid muc 2", "vneid muc 2", "dinh danh muc 2", "level 2"},
    "online_dossiers": {"ho so truc tuyen", "online applications", "online dossiers"},
    "online_payments": {
        "payments online", "payments made online", "thanh toan khong dung tien mat",
    },
    "records_digitised": {
        "digitised records", "digitized records", "records digitized", "ho so so hoa",
        "so hoa ho so", "ho so duoc so hoa",
    },
}  # fmt: skip
# The fixed targets and the indicator each becomes. "e-ID activations" counted accounts
# activated: a level-2 activation is what activates one.
FIXED = {
    "citizens_target": "citizens_helped",
    "online_application_rate_target": "online_application_rate",
    "eid_activations_target": "eid_level_2",
}


def names_index(Indicator):
    index = {}
    for indicator in Indicator.objects.filter(province__isnull=True):
        names = {indicator.code, indicator.name, indicator.name_en}
        names |= SYNONYMS.get(indicator.code, set())
        index.update((compact_key(name), indicator) for name in names if name)
    return index


def as_target(indicator, number):
    """The number as a target of `indicator`, or None when its unit refuses it."""
    try:
        value = Decimal(str(number))
    except (ArithmeticError, ValueError):
        return None
    if value < 0 or (indicator.unit == "rate" and value > 100):
        return None
    if indicator.unit == "count" and value != value.to_integral_value():
        return None
    return value


def move_targets(apps, schema_editor):
    Indicator = apps.get_model("campaign", "Indicator")
    IndicatorTarget = apps.get_model("campaign", "IndicatorTarget")
    CampaignCommune = apps.get_model("campaign", "CampaignCommune")
    by_code = {i.code: i for i in Indicator.objects.filter(province__isnull=True)}
    index = names_index(Indicator)
    targets, unmatched = [], []
    rows = CampaignCommune.objects.select_related("campaign", "commune").order_by("pk")
    for row in rows.iterator(chunk_size=2000):
        values = {}
        for field, code in FIXED.items():
            if getattr(row, field) is not None:
                values[by_code[code].pk] = Decimal(getattr(row, field))
        left = {}
        for name, number in (row.other_targets or {}).items():
            indicator = index.get(compact_key(str(name)))
            value = as_target(indicator, number) if indicator else None
            if value is None or indicator.pk in values:
                left[name] = number
                unmatched.append(f"{row.campaign.name} / {row.commune.name}: {name} = {number}")
            else:
                values[indicator.pk] = value
        targets += [
            IndicatorTarget(campaign_commune_id=row.pk, indicator_id=pk, value=value)
            for pk, value in values.items()
        ]
        if left != (row.other_targets or {}):
            CampaignCommune.objects.filter(pk=row.pk).update(other_targets=left)
    IndicatorTarget.objects.bulk_create(targets, batch_size=2000, ignore_conflicts=True)
    if unmatched:
        print(f"\n  Targets no indicator matches ({len(unmatched)}), kept as they were:")
        for line in unmatched:
            print(f"    {line}")


class Migration(migrations.Migration):
    dependencies = [("campaign", "0010_indicator_defaults")]

    operations = [
        migrations.RunPython(move_targets, migrations.RunPython.noop),
        migrations.RemoveField(model_name="campaigncommune", name="citizens_target"),
        migrations.RemoveField(
            model_name="campaigncommune", name="online_application_rate_target"
        ),
        migrations.RemoveField(model_name="campaigncommune", name="eid_activations_target"),
        migrations.RenameField(
            model_name="campaigncommune", old_name="other_targets", new_name="unmatched_targets"
        ),
        migrations.AlterField(
            model_name="campaigncommune",
            name="unmatched_targets",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text=(
                    "Targets typed as free text before indicators existed that no indicator "
                    "took: {name: number}. Shown on the targets page until an organiser "
                    "clears them"
                ),
                verbose_name="targets to set again",
            ),
        ),
    ]
