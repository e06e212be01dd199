import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "huanjie_session_started"


class SessionLifetimeMiddleware:
    """Ends a session twelve hours after login, however active it stayed.

    The idle limit (thirty minutes) is SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST;
    this adds the absolute limit, which Django does not have.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.setdefault(SESSION_STARTED_KEY, time.time())
            if time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                messages.info(request, _("Your session has expired. Please sign in again."))
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
