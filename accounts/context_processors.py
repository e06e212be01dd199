from django.http import HttpRequest

from accounts.models import Role


def role(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {"Role": Role, "user_role": getattr(user, "role", "")}
