"""The search page: one box over everything the user may read, with its purpose (the
audit keeps both), facets with counts, ranked results with highlighted snippets."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cases.forms.search import SearchForm
from cases.selectors.search import SearchResults, search_kinds_for_user
from cases.services.search import search_run
from cases.views.common import actor_of
from portal.access import permission_required

# The last purpose given in this session, offered again (never used unasked).
PURPOSE_SESSION_KEY = "search_purpose"


def _link(params: dict[str, str], **changes: str) -> str:
    """The page's query string with ``changes`` (an empty value drops the parameter);
    any change of facet goes back to page 1."""
    merged = {**params, **changes}
    merged.pop("page", None) if "page" not in changes else None
    return "?" + urlencode({key: value for key, value in merged.items() if value})


@permission_required("cases.use_search")
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    user = actor_of(request)
    sources = search_kinds_for_user(user=user)
    results: SearchResults | None = None
    asked = "q" in request.GET
    data = request.GET.copy()
    # From the top bar's box: the text only. Ask for the purpose, offering the last one,
    # instead of answering with an error.
    from_box = asked and "purpose" not in request.GET
    if from_box:
        data["purpose"] = request.session.get(PURPOSE_SESSION_KEY, "")
    form = SearchForm(data if asked else None, kinds=[source.kind for source in sources])
    params: dict[str, str] = {}
    if asked and not from_box and form.is_valid():
        query = form.to_query()
        request.session[PURPOSE_SESSION_KEY] = form.cleaned_data["purpose"]
        results = search_run(actor=user, query=query, purpose=form.cleaned_data["purpose"])
        params = {
            "q": query.text,
            "purpose": form.cleaned_data["purpose"],
            "kind": query.kind,
            "status": query.status,
            "year": str(query.year or ""),
        }
    facet_links = {}
    if results is not None:
        facet_links = {
            name: [
                (value, _link(params, **{name: "" if value.selected else value.value}))
                for value in values
            ]
            for name, values in results.facets.items()
        }
    return render(
        request,
        "cases/search.html",
        {
            "form": form,
            "from_box": from_box,
            "results": results,
            "facet_links": facet_links,
            "sources": sources,
            "search_text": request.GET.get("q", ""),
            "previous_url": _link(params, page=str(results.page - 1))
            if results and results.page > 1
            else "",
            "next_url": _link(params, page=str(results.page + 1))
            if results and results.page < results.pages
            else "",
        },
    )
