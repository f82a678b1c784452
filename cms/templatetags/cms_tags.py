import unicodedata

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.safestring import mark_safe
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedException
from wagtail.models import Locale

register = template.Library()


@register.inclusion_tag("cms/fragments/language_switch.html", takes_context=True)
def language_switch(context, page, route=""):
    """A button for each other language, leading to this page's translation there (or
    to that language's home page when the page is not translated yet). `route` is a
    sub-page route of the page ("poster/"), kept when switching.

    Each button posts to Django's set_language, like the one on every other page, which
    remembers the choice and redirects to `next` with the chosen language's prefix put
    in front (django.urls.translate_url): `next` is therefore the target's path without
    its prefix.
    """
    request = context["request"]
    current = translation.get_language()
    translations = {
        other.locale.language_code: other
        for other in page.get_translations(inclusive=False).live().select_related("locale")
    }
    site = page.get_site()
    root = site.root_page if site else None
    choices = []
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        if code == current:
            continue
        target = translations.get(code)
        suffix = route if target is not None else ""
        if target is None and root is not None:
            locale = Locale.objects.filter(language_code=code).first()
            target = root.get_translation_or_none(locale) if locale else None
        if target is None or not target.live:
            continue
        with translation.override(code):
            url = target.get_url(request) + suffix
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and url.startswith(prefix):
            url = url[len(prefix) - 1 :]
        # Django spells some local names decomposed ("Tiếng Việt" with combining marks).
        name = unicodedata.normalize("NFC", translation.get_language_info(code)["name_local"])
        choices.append({"code": code, "name": name, "next": url})
    return {"choices": choices, "request": request, "csrf_token": context.get("csrf_token")}


@register.simple_tag
def video_embed(url, max_width=720):
    """The embedded player for `url`, lazy-loaded; nothing when it cannot be fetched
    (the page links to the video as well)."""
    try:
        embed = embeds.get_embed(url, max_width=max_width)
    except EmbedException:
        return ""
    return mark_safe(embed.html.replace("<iframe ", '<iframe loading="lazy" ', 1))  # noqa: S308 - the provider's oEmbed markup, as Wagtail's own embed tag outputs it
