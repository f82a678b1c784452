"""How people are named: as the registry writes them, family name first ("Nông Văn
Minh"), never rebuilt in the Western order.

An account stores the whole name in `first_name` and leaves `last_name` empty, so that
Django's and Wagtail's `get_full_name()` print it the right way round too. A volunteer's
account is named after their record in the registry, which stays the one source.
"""

from campaign.access import volunteer_of


def full_name_fields(full_name: str) -> dict:
    """The account fields that hold `full_name` (family name first)."""
    return {"first_name": " ".join(full_name.split())[:150], "last_name": ""}


def display_name(user) -> str:
    """What to call `user`: their registry name, else their account's name family name
    first (an older account may still keep the given name in `first_name`), else their
    username."""
    volunteer = volunteer_of(user)
    if volunteer is not None:
        return volunteer.full_name
    joined = " ".join(part for part in (user.last_name, user.first_name) if part)
    return joined or user.get_username()
