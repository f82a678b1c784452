"""Sign-in protection's locked-out page, and the security headers Django does not set
itself (Content-Security-Policy for the admin, Permissions-Policy)."""

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


class PermissionsPolicyMiddleware:
    """Permissions-Policy from PERMISSIONS_POLICY: {"camera": [], ...} refuses the camera
    to every page and frame; a list of origins would allow it to those."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
