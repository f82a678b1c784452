"""Settings for the load test (`python -m bench.load`): the production settings, read
from the environment the test sets, with static files served from the apps' folders
(the test runs no collectstatic, and pages that name a static file need one or the
other)."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None
