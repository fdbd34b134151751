"""Lithuanian formats: Django's, except the date and time we print, which are the ISO
form that Lithuanian documents use ("2026-12-03 15:58"): one date and time format
across the portal's lists, detail pages, notices and maps (static/portal/text.js writes
the same)."""

from django.conf.locale.lt.formats import *  # noqa: F403

DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
