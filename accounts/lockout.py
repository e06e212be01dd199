from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
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
