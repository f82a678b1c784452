"""The API answers in the caller's language.

The site's pages take their language from the address (Vietnamese at /, English under
/en/), so Django's LocaleMiddleware gives every unprefixed path, /api/ included,
Vietnamese. API clients say which language they read in `Accept-Language` (the logging
page sends its own); this middleware, after LocaleMiddleware, honours it for /api/.
"""

from django.utils import translation

API_PREFIX = "/api/"


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
