"""Signals cases sends to the apps built on it. Those apps import cases and connect
receivers; cases never imports them (apps depend one way: dispatch -> cases)."""

from django.dispatch import Signal

# Sent by cases.services.violations.violation_create, inside its transaction, for every
# violation logged (page, API, imports), also when a retry returns the violation it
# created the first time: receivers must be idempotent. Keyword arguments: ``violation``,
# ``actor`` (the user who logged it) and ``origin``, the opaque marker the entry carried
# from where it was logged, e.g. "dispatch.task:42", or "" when none. A receiver acts
# only on origins it recognises.
violation_logged = Signal()
