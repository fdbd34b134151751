"""What a locked-out sign-in attempt gets: the JSON error shape on the API, a page elsewhere."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": "locked_out",
                "detail": _("Too many failed sign-in attempts: locked for %(minutes)d minutes.")
                % {"minutes": minutes},
            },
            status=429,
        )
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)
