"""Demo: the starting guides and training, and a reviewer who approves editors' pages."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from campaign.demo import DEMO_PASSWORD
from cms.seeding import seed_guides


def seed(stdout) -> list[tuple[str, str, str]]:
    report = seed_guides()
    if stdout is not None:
        stdout.write(f"Guides and training: {report}")
    reviewer, _ = get_user_model().objects.get_or_create(username="reviewer")
    reviewer.first_name, reviewer.last_name = "Hà Thị Thảo", ""  # family name first
    reviewer.email = "reviewer@digihelp.invalid"
    reviewer.is_active = True
    reviewer.set_password(DEMO_PASSWORD)
    reviewer.save()
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators:
        reviewer.groups.add(moderators)
    return [("reviewer, approves guides and training (Wagtail admin)", "reviewer", DEMO_PASSWORD)]
