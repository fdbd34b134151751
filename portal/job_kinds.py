"""The registry of job kinds. The core runs jobs without knowing what they do: each app
declares its kinds as ``job_kinds`` on its AppConfig (a list of JobKind), the same way
it declares role permissions and menu entries, and the registry collects them.

A kind states its name (stored on the job, so it never changes once used), a
translated label, the function a worker runs, the permission needed to start it, and
the form that validates its parameters (the page and the API both use it; its
cleaned data must be JSON: strings, numbers, booleans, lists, dicts).

Test settings may name a module of extra kinds (``JOB_KINDS_EXTRA``): a kind that
fails, or one slow enough to cancel, for the tests' real worker.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django import forms
from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise

if TYPE_CHECKING:
    from portal.models import User
    from portal.services.jobs import JobContext


class NoParameters(forms.Form):
    """The parameters form of a kind that takes none."""


@dataclass(frozen=True)
class JobParameter:
    """One parameter of a job as its page shows it: "Case: 2026/0004 Tobacco by truck"."""

    label: str
    value: str
    url: str = ""


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str | Promise
    run: "Callable[[JobContext], None]"
    permission: str
    description: str | Promise = ""
    form: type[forms.Form] = NoParameters
    # The Celery queue its jobs go to (JobQueue: imports, analytics, reports, alerts; the
    # default queue when empty).
    queue: str = field(default="")
    # How many times a job of the kind is tried before it ends failed: transient failures
    # (the database or a connection lost, JobRetry, or one of ``retry_on``) and workers
    # lost mid-job each count as an attempt. 0: the JOB_MAX_ATTEMPTS setting.
    max_attempts: int = 0
    retry_on: tuple[type[BaseException], ...] = ()
    # Checks the cleaned parameters against the person starting the job (e.g. that the
    # object they name is within their reach); raises ValidationError by field.
    check: "Callable[[User, dict[str, Any]], None] | None" = None
    # Says what the stored parameters name, for the person looking at the job (e.g. the
    # case's number and title instead of its id); the form's labels and raw values else.
    describe: "Callable[[User, dict[str, Any]], list[JobParameter]] | None" = None
    # The name of the page that starts it, for a kind whose parameters come from a page of
    # its own (an uploaded file checked first): the jobs list links there, not a form.
    start_url_name: str = ""

    @property
    def queue_name(self) -> str:
        return self.queue or "default"

    def attempts_allowed(self) -> int:
        return self.max_attempts or int(settings.JOB_MAX_ATTEMPTS)

    def may_start(self, user: "User") -> bool:
        return bool(user.is_authenticated and user.has_perm(self.permission))


class UnknownJobKindError(LookupError):
    pass


@cache
def _registry() -> dict[str, JobKind]:
    kinds: list[JobKind] = []
    for app_config in apps.get_app_configs():
        kinds.extend(getattr(app_config, "job_kinds", []))
    extra = getattr(settings, "JOB_KINDS_EXTRA", "")
    if extra:
        kinds.extend(import_module(extra).JOB_KINDS)
    registry: dict[str, JobKind] = {}
    for kind in kinds:
        if kind.name in registry:
            raise ValueError(f"Two job kinds are named {kind.name!r}.")
        registry[kind.name] = kind
    return registry


def job_kinds() -> list[JobKind]:
    """Every registered kind, by label."""
    return sorted(_registry().values(), key=lambda kind: str(kind.label))


def job_kind_get(name: str) -> JobKind:
    try:
        return _registry()[name]
    except KeyError:
        raise UnknownJobKindError(name) from None


def job_kind_label(name: str) -> str | Promise:
    """The label of a stored job's kind; its name when the kind is no longer registered."""
    kind = _registry().get(name)
    return kind.label if kind is not None else name


def job_parameters_described(
    name: str, parameters: dict[str, Any], viewer: "User"
) -> list[JobParameter]:
    """A stored job's parameters in words, for ``viewer``: by the kind's ``describe``,
    else each under its form field's label; empty values left out."""
    given = {key: value for key, value in parameters.items() if value not in (None, "")}
    kind = _registry().get(name)
    if kind is not None and kind.describe is not None:
        return kind.describe(viewer, given)
    fields = kind.form.base_fields if kind is not None else {}
    return [
        JobParameter(
            label=str(fields[key].label or key) if key in fields else key, value=str(value)
        )
        for key, value in given.items()
    ]


def job_kinds_for_user(user: "User") -> list[JobKind]:
    """The kinds this person may start."""
    return [kind for kind in job_kinds() if kind.may_start(user)]


def job_kind_parameters_help(kind: JobKind) -> dict[str, Any]:
    """The kind's parameters as the API describes them: {name: {label, required}}."""
    return {
        name: {"label": str(form_field.label or name), "required": form_field.required}
        for name, form_field in kind.form.base_fields.items()
    }
