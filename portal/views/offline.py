"""The service worker: the officer's pages from the device when the network is gone.

Served from the root (/sw.js) so that its scope is the whole portal. Which pages it
keeps is declared by the apps (``offline_pages`` on their AppConfig: URL names), so the
core names no app. The script is a template only for those addresses and its texts."""

import hashlib
import json

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.access import public


def offline_pages() -> list[str]:
    """The addresses of the pages kept on the device, the dashboard first."""
    pages = [reverse("portal:dashboard")]
    for app_config in apps.get_app_configs():
        pages.extend(reverse(name) for name in getattr(app_config, "offline_pages", []))
    return pages


def offline_fallback() -> str:
    """The kept page shown in place of one that is not kept (an app's
    ``offline_fallback``, e.g. the outbox: what waits on the device), or none."""
    for app_config in apps.get_app_configs():
        name = getattr(app_config, "offline_fallback", "")
        if name:
            return reverse(name)
    return ""


@public
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    pages = offline_pages()
    config = {
        "pages": pages,
        # A new list of pages is a new cache.
        "cache": "cep-pages-" + hashlib.sha256("|".join(pages).encode()).hexdigest()[:12],
        "static": settings.STATIC_URL,
        "fallback": offline_fallback(),
        "offlineText": _(
            "You are offline, and this page is not kept on this device. The violation form, "
            "My tasks (with the notices), My unit and the outbox open without a connection."
        ),
    }
    # JSON in a script file (not in HTML): nothing to escape but what JSON escapes.
    response = render(
        request,
        "portal/service_worker.js",
        {"config": json.dumps(config)},
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
