"""Who may write what in this app, beyond ``accounts.permissions``.

Risks and secretary adjustments follow the house rule: whoever may write in the village's
region (township, county, city) writes them; inspection groups read.

Inspection visits are the one record an inspection group writes, and only its own: a member
of a group creates visits of that group to the townships assigned to it, and edits its
group's visits. Nobody else writes visits on these pages (decision: the county and the city
read every visit of their region, the townships read the visits made to them; a visit is the
group's own account of what it saw, so nobody else changes it). Out of the reader's region a
visit is 404, as everywhere; a visit of another group in an assigned township is 403.

Training sessions are written by the level that organized them and the levels above it
inside its region (``TrainingSessionQuerySet.writable_by``).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Role, User
from accounts.permissions import get_for_user
from elections.models import Township
from oversight.models import InspectionVisit, TrainingLevel, TrainingSession


def writes_visits(user: User) -> bool:
    """Whether ``user`` is a member of an inspection group, able to record its visits."""
    return (
        user.is_authenticated
        and user.is_active
        and user.role == Role.INSPECTOR
        and user.inspection_group_id is not None
    )


def visit_townships(user: User) -> QuerySet[Township]:
    """The townships ``user`` may record visits to: its group's, or none."""
    if not writes_visits(user):
        return Township.objects.none()
    return Township.objects.filter(inspection_groups=user.inspection_group_id)


def require_visit_write(user: User, visit: InspectionVisit | None = None) -> None:
    """403 unless ``user`` belongs to an inspection group and, for ``visit``, to its group."""
    if not writes_visits(user):
        raise PermissionDenied
    if visit is not None and visit.group_id != user.inspection_group_id:
        raise PermissionDenied


def get_visit_for_user(
    queryset: QuerySet[InspectionVisit], user: User, pk: object, *, write: bool = False
) -> InspectionVisit:
    """The visit ``pk`` as ``user`` may reach it: 404 outside the user's region, 403 when
    writing a visit that is not the user's group's."""
    visit = get_for_user(queryset, user, pk)
    if write:
        require_visit_write(user, visit)
    return visit


def get_training_for_user(
    queryset: QuerySet[TrainingSession], user: User, pk: object, *, write: bool = False
) -> TrainingSession:
    """The session ``pk`` as ``user`` may reach it: 404 outside the user's region, 403 when
    writing one organized above the user's level (or by a read-only user)."""
    session = get_for_user(queryset, user, pk, write=write)
    if write and not TrainingSession.objects.writable_by(user).filter(pk=session.pk).exists():
        raise PermissionDenied
    return session


def may_organize(user: User, session: TrainingSession) -> bool:
    """Whether ``user`` may record ``session`` as organized by its level and organizer: the
    row-level twin of ``TrainingSessionQuerySet.writable_by``, for sessions not saved yet."""
    if not user.is_authenticated or not user.is_active or user.is_read_only:
        return False
    if user.is_city:
        return True
    level, township = session.level, session.township
    if user.role == Role.COUNTY and user.county_id:
        if level == TrainingLevel.COUNTY:
            return session.county_id == user.county_id
        return (
            level == TrainingLevel.TOWNSHIP
            and township is not None
            and (township.county_id == user.county_id)
        )
    if user.role == Role.TOWNSHIP and user.township_id:
        return level == TrainingLevel.TOWNSHIP and session.township_id == user.township_id
    return False
