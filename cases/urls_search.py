"""The search: its page (namespace ``search``, under /search/) and its API (in the
shared ``api`` namespace, /api/v1/search/), wired in portal/urls.py."""

from django.urls import path

from cases.api import search as search_api
from cases.views import search

app_name = "search"

urlpatterns = [
    path("", search.search_page, name="search"),
]

api_urlpatterns = [
    path("search/", search_api.SearchApi.as_view(), name="search"),
]
