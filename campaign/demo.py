"""Demo data for a Lang Son-sized province: the people who run a campaign."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from campaign.models import Commune, Province, Role
from campaign.people import full_name_fields

DEMO_PROVINCE_CODE = "20"  # Lạng Sơn: 65 communes and wards
DEMO_PASSWORD = "digihelp-demo"  # noqa: S105 - printed for the newcomer, demo only


@transaction.atomic
def seed(stdout) -> list[tuple[str, str, str]]:
    """Create (or refresh) the demo accounts; returns (role, username, password) rows."""
    try:
        province = Province.objects.get(code=DEMO_PROVINCE_CODE)
    except Province.DoesNotExist:
        raise RuntimeError(
            "Lạng Sơn (code 20) is not loaded: run `manage.py load_divisions` first"
        ) from None
    communes = list(Commune.objects.filter(province=province).order_by("code")[:2])
    User = get_user_model()

    def account(username, full_name, **extra):
        user, _ = User.objects.get_or_create(username=username)
        for field, value in full_name_fields(full_name).items():
            setattr(user, field, value)
        user.email = f"{username}@digihelp.invalid"
        user.is_active = True
        for name, value in extra.items():
            setattr(user, name, value)
        user.set_password(DEMO_PASSWORD)
        user.save()
        return user

    organiser = account("organiser", "Hoàng Thị Lan")
    Role.objects.update_or_create(
        user=organiser, kind=Role.Kind.ORGANISER, defaults={"province": province}
    )
    coordinator = account("coordinator", "Nông Văn Minh")
    role, _ = Role.objects.update_or_create(
        user=coordinator, kind=Role.Kind.COORDINATOR, defaults={"province": province}
    )
    role.communes.set(communes)
    volunteer = account("volunteer", "Lương Thu Hà")
    Role.objects.get_or_create(user=volunteer, kind=Role.Kind.VOLUNTEER)
    editor = account("editor", "Vi Đức Quang")
    Role.objects.get_or_create(user=editor, kind=Role.Kind.EDITOR)
    # Wagtail's own "Editors" group lets them into the CMS admin.
    editors_group = Group.objects.filter(name="Editors").first()
    if editors_group:
        editor.groups.add(editors_group)
    admin = account("admin", "Quản trị", is_staff=True, is_superuser=True)

    where = ", ".join(c.name for c in communes)
    return [
        (f"organiser, {province.name}", organiser.username, DEMO_PASSWORD),
        (f"coordinator, {where}", coordinator.username, DEMO_PASSWORD),
        ("volunteer", volunteer.username, DEMO_PASSWORD),
        ("editor (Wagtail admin at /admin/)", editor.username, DEMO_PASSWORD),
        ("superuser (/admin/ and /django-admin/)", admin.username, DEMO_PASSWORD),
    ]
