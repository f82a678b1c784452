from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from campaign import access
from campaign.models import Role


@login_required
def overview(request):
    """The signed-in start page: who you are here and which communes you look after."""
    roles = Role.objects.filter(user=request.user).select_related("province")
    provinces = access.visible_provinces(request.user).annotate(commune_count=Count("communes"))
    communes = access.visible_communes(request.user).select_related("province")[:200]
    return render(
        request,
        "campaign/overview.html",
        {"roles": roles, "provinces": provinces, "communes": communes},
    )
