from django.urls import path

from dispatch import api

urlpatterns = [
    path("positions/", api.PositionIngest.as_view(), name="position-ingest"),
]
