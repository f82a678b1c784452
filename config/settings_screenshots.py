"""Settings of `make screenshots` (bin/screenshots.py): the development settings, on the
throwaway demo database the environment names, with a quick password hasher (the demo
accounts are made and signed in within seconds) and no check for Wagtail releases, so
the browser asks no host but this one."""

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
