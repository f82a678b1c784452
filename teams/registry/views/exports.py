"""The registry as a spreadsheet, in the layout the import reads back."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from campaign import audit
from campaign.access import campaign_staff_required
from campaign.models import AuditEvent, Commune
from lib.spreadsheets.writing import CONTENT_TYPES
from teams.registry.exporting import export_members


@campaign_staff_required
def export(request, file_format):
    communes = Commune.objects.visible_to(request.user)
    name = "thanh-vien"
    commune = None
    if commune_id := request.GET.get("commune"):
        if not commune_id.isdigit():
            raise Http404
        commune = get_object_or_404(communes, pk=commune_id)
        communes = communes.filter(pk=commune.pk)
        name = f"thanh-vien-{commune.code}"
    content = export_members(communes, file_format)
    # Every export of personal data is recorded: who, what, when.
    audit.record(
        AuditEvent.Action.EXPORT,
        _("Teams and volunteers (.%(format)s)") % {"format": file_format},
        actor=request.user,
        province=commune.province if commune else audit.actor_province(request.user),
        commune=commune,
        details={"commune": commune.pk if commune else None, "format": file_format},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    filename = f"{name}-{timezone.localdate():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
