import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

SESSION_STARTED_KEY = "huanjie_session_started"
SESSION_TOUCHED_KEY = "huanjie_session_touched"


class SessionLifetimeMiddleware:
    """Ends a session twelve hours after login, however active it stayed, and keeps an active
    one alive.

    The idle limit (thirty minutes) is SESSION_COOKIE_AGE, counted from the session's last
    save. Saving it on every request (SESSION_SAVE_EVERY_REQUEST) would write to the database
    on every page view; instead the session is saved when it was last saved a minute ago or
    more (SESSION_TOUCH_SECONDS), so the idle limit holds to within that minute.
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
            now = time.time()
            if now - request.session.get(SESSION_TOUCHED_KEY, 0) >= settings.SESSION_TOUCH_SECONDS:
                request.session[SESSION_TOUCHED_KEY] = now  # modified: saved, expiry renewed
        return self.get_response(request)
