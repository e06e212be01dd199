from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest


class UserOnlyResetHandler(AxesDatabaseHandler):
    """Resets, on a successful login, only the failures recorded against that user name.

    Axes' default also clears every failure from the same address, so anyone with an account
    could guess a colleague's password four times, sign in as themselves, and start again.
    """

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for login throttling, which no header it sends can change.

    Without trusted proxies (PROXY_COUNT=0) it is REMOTE_ADDR. Behind N trusted proxies, each
    appending to X-Forwarded-For, it is the N-th address from the right: the one the outermost
    trusted proxy saw. Whatever the client put further left is ignored.
    """
    count = settings.PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if not count:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    return forwarded[-count] if len(forwarded) >= count else remote
