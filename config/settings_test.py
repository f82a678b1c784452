"""Test-only switches, all in one place."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-secret-key-only-for-the-test-suite")
# Tests never read a developer's .env: the variables below and CI's are all they see.
os.environ.setdefault("SKIP_DOTENV", "true")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = "sqlite:///:memory:"

from config.settings import *  # noqa: F403
from config.settings import Q_CLUSTER

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
SMS_PROVIDER = "memory"
SMS_QUIET_HOURS = ""  # tests that need quiet hours set them
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# pytest runs with --fail-on-template-vars: a template variable that does not resolve
# fails the test. Tests of Wagtail's own templates are marked ignore_template_errors;
# there a missing variable renders as this visible marker instead.
TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = "!!MISSING {%s}!!"  # noqa: F405
