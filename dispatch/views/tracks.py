"""Track replay, "who was near this place", GPX/KML export, figures per unit and month."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dispatch.forms.tracks import NearPlaceForm, TrackSelectionForm, local_input
from dispatch.selectors.tracks import (
    EXPORT_POINT_LIMIT,
    MAX_PERIOD,
    MAX_UNITS,
    track_report_rows,
    track_reports_count,
    units_near,
)
from dispatch.services.tracks import (
    CONTENT_TYPES,
    gpx_chunks,
    kml_chunks,
    track_export_audit,
    track_file_name,
    track_search_audit,
)
from portal.access import permission_required
from portal.api.helpers import request_user


def _replay_text() -> dict[str, str]:
    """The replay script's words, translated here (placeholders filled in by the script)."""
    return {
        "play": _("Play"),
        "pause": _("Pause"),
        "failed": _("The tracks could not be loaded; reload the page to try again."),
        "empty": _("No chosen unit reported a position in this period."),
        "ready": _("Units: %(units)s · points: %(points)s. Press Play, step or drag the time."),
        "reports": _("Reports: %(count)s"),
        "thinned": _("one in %(step)s shown"),
        "thinnedNote": _(
            "Long tracks are thinned on the map; the GPX and KML files hold every report."
        ),
        "noReport": _("no report yet"),
        "lastKnown": _("last known position"),
        "speed": _("%(speed)s km/h"),
        "place": _("Search place"),
    }


@permission_required("dispatch.view_positionreport")
@require_GET
def track_replay(request: HttpRequest) -> HttpResponse:
    """Choose units and a period (or find who was near a place) and replay the tracks."""
    chosen = any(key in request.GET for key in ("unit", "start", "end"))
    selection = (
        TrackSelectionForm(request.GET)
        if chosen
        else TrackSelectionForm(initial=TrackSelectionForm.initial_period())
    )
    searched = any(key in request.GET for key in NearPlaceForm.FIELDS)
    near_form = NearPlaceForm(request.GET if searched else None)
    context: dict[str, Any] = {
        "selection": selection,
        "near_form": near_form,
        "max_days": MAX_PERIOD.days,
        "max_units": MAX_UNITS,
        "replaying": False,
        "nearby": None,
        "replay_text": _replay_text(),
    }
    if chosen and selection.is_valid():
        context["replaying"] = True
        context["tracks_url"] = f"{reverse('api:track-list')}?{selection.api_query_string()}"
        context["export_query"] = selection.query_string()
    if searched and near_form.is_valid():
        moment, window = near_form.cleaned_data["at"], near_form.window
        nearby = units_near(
            place=near_form.place,
            radius_m=near_form.cleaned_data["radius"],
            moment=moment,
            window=window,
        )
        track_search_audit(
            actor=request_user(request),
            place=near_form.place,
            radius_m=near_form.cleaned_data["radius"],
            start=moment - window,
            end=moment + window,
            found=[item.unit for item in nearby],
        )
        context["nearby"] = nearby
        context["near_window"] = (moment - window, moment + window)
        context["near_start"] = local_input(moment - window)
        context["near_end"] = local_input(moment + window)
        context["near_replay_units"] = {item.unit.pk for item in nearby[:MAX_UNITS]}
    return render(request, "dispatch/track_replay.html", context)


@permission_required("dispatch.view_positionreport")
@require_GET
def track_export(request: HttpRequest, file_format: str) -> HttpResponseBase:
    """The selection's tracks as GPX or KML; audited. Refused, with the reason, when the
    selection is not one the replay accepts or holds too many reports for one file."""
    replay_url = reverse("dispatch:track-replay")
    if file_format not in CONTENT_TYPES:
        messages.error(request, _("Tracks are exported as GPX or KML."))
        return redirect(f"{replay_url}?{request.GET.urlencode()}")
    form = TrackSelectionForm(request.GET)
    if not form.is_valid():
        messages.error(request, _("Nothing was exported: correct the units and the period."))
        return redirect(f"{replay_url}?{request.GET.urlencode()}")
    units = list(form.cleaned_data["unit"])
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    total = track_reports_count(units=units, start=start, end=end)
    if total > EXPORT_POINT_LIMIT:
        messages.error(
            request,
            _(
                "%(count)d reports in this selection: export at most %(limit)d at once "
                "(fewer units or a shorter period)."
            )
            % {"count": total, "limit": EXPORT_POINT_LIMIT},
        )
        return redirect(f"{replay_url}?{form.query_string()}")
    track_export_audit(
        actor=request_user(request),
        units=units,
        start=start,
        end=end,
        file_format=file_format,
        points=total,
    )
    rows = track_report_rows(units=units, start=start, end=end)
    writer = gpx_chunks if file_format == "gpx" else kml_chunks
    response = StreamingHttpResponse(
        writer(units=units, start=start, end=end, rows=rows),
        content_type=CONTENT_TYPES[file_format],
    )
    filename = track_file_name(units=units, start=start, end=end, file_format=file_format)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
