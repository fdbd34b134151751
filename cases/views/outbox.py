"""The outbox page: what this device keeps until it is sent (static/cases/outbox.js)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portal.access import permission_required


@permission_required("cases.add_violation")
@require_GET
def outbox_page(request: HttpRequest) -> HttpResponse:
    # The entries live on the device, not on the server: the page is the same for every
    # officer, and the outbox script fills it (it opens offline, from the service worker).
    return render(request, "cases/outbox.html")
