"""The one definition of a user's region, shared by every model's ``visible_to``."""

from django.db.models import Q

from accounts.models import Role, User

NOTHING = Q(pk__in=[])


def region_q(user: User, township_path: str) -> Q:
    """Rows whose township (reached through ``township_path``) lies in ``user``'s region.

    ``township_path`` is the lookup from the model to its township: ``"village__township"``
    for a branch, ``""`` for the township model itself. Anonymous users, inactive users and
    users without a role see nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or user.role == Role.CITY:
        return Q()
    own = township_path or "pk"
    prefix = f"{township_path}__" if township_path else ""
    if user.role == Role.COUNTY and user.county_id:
        return Q(**{f"{prefix}county_id": user.county_id})
    if user.role == Role.TOWNSHIP and user.township_id:
        return Q(**{own: user.township_id})
    if user.role == Role.INSPECTOR and user.inspection_group_id:
        return Q(**{f"{prefix}inspection_groups": user.inspection_group_id})
    return NOTHING
