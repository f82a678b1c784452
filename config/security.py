"""Sign-in protection's locked-out page, and the admin's own Content-Security-Policy.
(Permissions-Policy comes from django-permissions-policy, configured by
PERMISSIONS_POLICY.)"""

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.shortcuts import render


def locked_out(request, credentials=None, *args, **kwargs):
    """What someone sees after too many wrong passwords (django-axes calls this)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (CONTENT_SECURITY_POLICY), and ADMIN_CONTENT_SECURITY_POLICY
    for the admin's URL prefixes unless the view chose a policy of its own."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        is_admin = request.path_info.startswith(tuple(settings.ADMIN_URL_PREFIXES))
        if is_admin and not report_only and parts.config is None:
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY
        return parts
