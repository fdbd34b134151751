"""Access rules for HTML views. Deny by default: every view states who may open it.

``public``, ``login_only`` and ``permission_required`` wrap a view and record the rule
on it as ``access_rule``; the URL test refuses any view without one. Anonymous users
are sent to the login page; signed-in users without the permission get 403 (naming
the missing training course when the training gate, portal.selectors.gate, is why).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, resolve

from portal.selectors.gate import refusal_for

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponseBase])


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    permissions: tuple[str, ...] = ()
    # A further way in for people without the permissions, stated with the rule: e.g. a
    # head of unit, who enrols the unit's members without holding a training role.
    alternative: Callable[[Any], bool] | None = None

    def allows(self, request: HttpRequest) -> bool:
        return self.allows_user(request.user)

    def allows_user(self, user: Any) -> bool:
        if self.public:
            return True
        if user is None or not user.is_authenticated:
            return False
        if user.has_perms(self.permissions):
            return True
        return self.alternative is not None and self.alternative(user)


def _guard(rule: AccessRule) -> Callable[[ViewFunc], ViewFunc]:
    def decorate(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not rule.public:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not rule.allows(request):
                    # Names the missing course when the training gate is the reason.
                    raise refusal_for(request.user, rule.permissions)
            return view(request, *args, **kwargs)

        guarded.access_rule = rule  # type: ignore[attr-defined]  # read by the URL test
        return guarded  # type: ignore[return-value]  # same signature as the view

    return decorate


def public(view: ViewFunc) -> ViewFunc:
    """Open to everyone, signed in or not (login page, health check)."""
    return _guard(AccessRule(public=True))(view)


def login_only(view: ViewFunc) -> ViewFunc:
    """Any signed-in user, whatever their roles (dashboard, own password)."""
    return _guard(AccessRule())(view)


def permission_required(*permissions: str) -> Callable[[ViewFunc], ViewFunc]:
    """Signed-in users who hold every one of ``permissions``."""
    return _guard(AccessRule(permissions=tuple(permissions)))


def permission_or(
    *permissions: str, alternative: Callable[[Any], bool]
) -> Callable[[ViewFunc], ViewFunc]:
    """Signed-in users who hold every one of ``permissions``, or for whom
    ``alternative(user)`` is true (a head of unit); the view's accessor narrows what the
    latter reach."""
    return _guard(AccessRule(permissions=tuple(permissions), alternative=alternative))


def url_allowed_for(user: Any, url: str) -> bool:
    """Whether the page at ``url`` (a path of ours, query and fragment allowed) lets
    ``user`` in by its access rule, so that a link to it is worth offering: a page
    someone may read often names things whose own pages they may not open (an
    administrator reads every case but no violation). Deny by default: an unknown path
    or a view without a rule is not offered. Need-to-know on the object itself stays
    with the view's accessor; whoever builds the link must not name objects outside
    the reader's reach (the selectors do not)."""
    if not url or not url.startswith("/") or url.startswith("//"):
        return False
    path = url.split("#", 1)[0].split("?", 1)[0]
    try:
        match = resolve(path)
    except Resolver404:
        return False
    rule: AccessRule | None = getattr(match.func, "access_rule", None)
    return rule is not None and rule.allows_user(user)
