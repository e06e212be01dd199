from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from elections.models import (
    BRANCH_SUFFIX,
    Branch,
    BranchKind,
    Campaign,
    Election,
    Township,
    Village,
)


@transaction.atomic
def village_create(
    *, by: User, township: Township, branch_kind: str, seats: int, **fields: object
) -> Village:
    """A new village with its Party organization, entered in the campaigns still running."""
    village = Village(township=township, **fields)
    village.full_clean()
    village.save()
    branch = Branch(
        village=village,
        name=f"{village.name}{BRANCH_SUFFIX[BranchKind(branch_kind)]}",
        kind=branch_kind,
        seats=seats,
    )
    branch.full_clean()
    branch.save()
    today = timezone.localdate()
    for campaign in Campaign.objects.filter(end_date__gte=today):
        Election.objects.create(campaign=campaign, branch=branch, updated_by=by)
    return village


@transaction.atomic
def village_update(*, by: User, village: Village, **fields: object) -> Village:
    for name, value in fields.items():
        setattr(village, name, value)
    village.full_clean()
    village.save(update_fields=[*fields, "updated_at"])
    return village


MSG_LOCKED = _(
    "The result of this election is certified and locked; the county must unlock it first."
)


@transaction.atomic
def election_update(*, by: User, election: Election, **fields: object) -> Election:
    if Election.objects.filter(pk=election.pk, locked=True).exists():
        raise ValidationError(MSG_LOCKED)
    for name, value in fields.items():
        setattr(election, name, value)
    election.updated_by = by
    election.full_clean()
    election.save(update_fields=[*fields, "updated_by", "updated_at"])
    return election


@transaction.atomic
def campaign_open_elections(*, campaign: Campaign) -> int:
    """Enters every branch that has no election in ``campaign`` yet; returns how many."""
    have = Election.objects.filter(campaign=campaign).values("branch_id")
    missing = Branch.objects.exclude(pk__in=have).values_list("pk", flat=True)
    created = Election.objects.bulk_create(
        [Election(campaign=campaign, branch_id=pk) for pk in missing.iterator()],
        batch_size=2000,
    )
    return len(created)
