from django import template

from campaign.people import display_name as name_of

register = template.Library()


@register.filter
def display_name(user) -> str:
    """{{ user|display_name }}: family name first, as the registry writes it."""
    return name_of(user)
