"""Who reads which dashboard: the region's own officials and those above them.

Every lookup goes through the model's visible_to (absent or out of the region: 404). The city
and county dashboards show a whole region's figures, so a user who sees the region only in
part (a township official, an inspection group) gets 403; inspection groups read the pages
the report does not scope for them (reports.statistics.scope_user) neither.
"""

from django.core.exceptions import PermissionDenied

from accounts.models import Role, User
from accounts.permissions import get_for_user
from elections.models import County, Township, Village


def require_city(user: User) -> None:
    if not user.is_city:
        raise PermissionDenied


def get_county(user: User, pk: object) -> County:
    county = get_for_user(County.objects, user, pk)
    if not (user.is_city or (user.role == Role.COUNTY and user.county_id == county.pk)):
        raise PermissionDenied
    return county


def get_township(user: User, pk: object) -> Township:
    township = get_for_user(Township.objects.select_related("county"), user, pk)
    if user.role == Role.INSPECTOR and not user.is_superuser:
        raise PermissionDenied
    return township


def get_village(user: User, pk: object) -> Village:
    village = get_for_user(Village.objects.select_related("township__county"), user, pk)
    if user.role == Role.INSPECTOR and not user.is_superuser:
        raise PermissionDenied
    return village
