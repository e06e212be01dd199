"""Access helpers shared by every app's views."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from accounts.models import User


def get_for_user(queryset: QuerySet, user: User, pk: object, *, write: bool = False) -> Model:
    """The object ``pk`` of ``queryset`` as ``user`` may reach it.

    404 when it does not exist or lies outside the user's region (the two are not told
    apart, so that ids cannot be probed); 403 when a read-only user asks to write.
    """
    try:
        obj = queryset.visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write:
        require_write(user)
    return obj


MSG_READ_ONLY = gettext_lazy("Your account reads only: it cannot change anything here.")


def require_write(user: User) -> None:
    if user.is_read_only:
        raise PermissionDenied(MSG_READ_ONLY)


def city_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_city:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def role_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, with a role: anonymous visitors go to the login page; a user whose account
    has no role yet gets the 403 page that says so, on every page alike."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not (request.user.is_superuser or request.user.role):
            return render(request, "accounts/no_role.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page (handler403), with the reason where the refusal gives one for users: a
    translated message (read only, not the handling office…), never an internal one."""
    reason = exception.args[0] if exception.args else None
    context = {"reason": reason if isinstance(reason, Promise) else None}
    return render(request, "403.html", context, status=403)
