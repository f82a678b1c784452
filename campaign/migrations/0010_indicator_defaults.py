"""The indicators the state counts, shipped with Digihelp (province empty)."""

from django.db import migrations

# code, Vietnamese, English, unit, source, service, done only, report figure
DEFAULTS = [
    ("citizens_helped", "Người dân được hỗ trợ", "Citizens helped",
     "count", "sessions", None, False, ""),
    ("eid_accounts", "Tài khoản định danh điện tử (VNeID) được tạo", "VNeID accounts created",
     "count", "sessions", "eid_account", True, ""),
    ("eid_level_2", "Tài khoản định danh điện tử mức độ 2 được kích hoạt",
     "VNeID level-2 activated", "count", "sessions", "eid_level_2", True, ""),
    ("online_dossiers", "Hồ sơ trực tuyến đã nộp", "Online dossiers submitted",
     "count", "sessions", "online_application", True, ""),
    ("online_payments", "Thanh toán trực tuyến", "Online payments",
     "count", "reports", None, False, "payments_online"),
    ("online_application_rate", "Tỷ lệ hồ sơ trực tuyến", "Online-application rate",
     "rate", "reports", None, False, "online_rate"),
    ("end_to_end_rate", "Tỷ lệ hồ sơ trực tuyến toàn trình", "End-to-end online rate",
     "rate", "reports", None, False, "end_to_end_rate"),
    ("records_digitised", "Hồ sơ được số hóa", "Records digitised",
     "count", "reports", None, False, "records_digitised"),
]  # fmt: skip


def add_defaults(apps, schema_editor):
    Indicator = apps.get_model("campaign", "Indicator")
    ServiceType = apps.get_model("campaign", "ServiceType")
    services = dict(ServiceType.objects.values_list("code", "pk"))
    for position, row in enumerate(DEFAULTS, start=1):
        code, name, name_en, unit, source, service, done_only, report_field = row
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "unit": unit,
                "source": source,
                "service_id": services.get(service) if service else None,
                "done_only": done_only,
                "report_field": report_field,
                "position": position * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("campaign", "0009_indicators")]

    operations = [
        migrations.RunPython(add_defaults, migrations.RunPython.noop),
    ]
