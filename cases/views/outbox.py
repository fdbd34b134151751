"""The outbox page: what this device keeps until it is sent (static/cases/outbox.js); and
the page of a draft that exists only on this device."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.views.violations import PAGE_FORMS
from portal.access import permission_required


@permission_required("cases.add_violation")
@require_GET
def outbox_page(request: HttpRequest) -> HttpResponse:
    # The entries live on the device, not on the server: the page is the same for every
    # officer, and the outbox script fills it (it opens offline, from the service worker).
    return render(request, "cases/outbox.html")


@permission_required("cases.view_violation", "cases.add_violation", "cases.change_violation")
@require_GET
def violation_on_device(request: HttpRequest) -> HttpResponse:
    """The violation page of a draft saved on this device without a connection
    (?draft=<its client key>): the same goods, vehicle, person, company, photo and Submit
    forms, each kept on the device and sent after the draft, bound to the draft's server
    id once the draft is created (static/cases/outbox.js). The server knows nothing of the
    draft: the page is the same for every officer, kept by the service worker, and filled
    on the device (static/cases/violation_steps.js), which also draws the forms' keys."""
    forms = {name: make() for name, make in PAGE_FORMS.items()}
    return render(
        request,
        "cases/violation_on_device.html",
        {**forms, "step_pk": 0, "submit_key": uuid.uuid4(), "on_device": True},
    )
