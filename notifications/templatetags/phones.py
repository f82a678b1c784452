from django import template

from notifications.phones import national

register = template.Library()


@register.filter
def phone(number) -> str:
    """{{ volunteer.phone|phone }}: 0912 345 678, as people read and dial it."""
    return national(str(number)) if number else ""
