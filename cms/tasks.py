"""Work the task queue does for the CMS."""

from io import StringIO

from django.core.management import call_command


def publish_scheduled_pages() -> str:
    """Publish pages whose scheduled time has come, unpublish expired ones (Wagtail's
    `publish_scheduled`). Scheduled by a cms migration, every minute."""
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    return out.getvalue()
