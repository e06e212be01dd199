"""The demo city's audits: one per village in the current campaign, done before the vote where
the village has voted, in progress or planned where it has not; some findings open."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F, Q

from audits.models import Audit, AuditFinding, AuditStatus
from elections.models import Campaign, Election, ElectionStatus

pytestmark = pytest.mark.django_db

SMALL = 300


def seed(**options: object) -> None:
    call_command("seed_demo", stdout=StringIO(), **options)


def test_every_village_has_its_audit_in_the_current_campaign() -> None:
    seed(villages=SMALL)
    current = Campaign.objects.current()

    assert Audit.objects.filter(campaign=current).count() == SMALL
    assert not Audit.objects.exclude(campaign=current).exists()


def test_audits_are_done_before_the_villages_vote() -> None:
    seed(villages=SMALL)
    current = Campaign.objects.current()
    held = dict(
        Election.objects.filter(status=ElectionStatus.COMPLETED, campaign=current).values_list(
            "branch__village_id", "held_date"
        )
    )
    audits = Audit.objects.filter(campaign=current, village_id__in=held)

    assert audits.count() == len(held)
    for audit in audits:
        assert audit.status == AuditStatus.DONE
        assert audit.period_end < audit.completed_on < held[audit.village_id]


def test_villages_still_to_vote_have_audits_under_way_and_some_findings_are_open() -> None:
    seed(villages=SMALL)
    open_elections = Election.objects.filter(
        campaign=Campaign.objects.current(),
        status__in=[ElectionStatus.IN_PROGRESS, ElectionStatus.NOT_STARTED],
    )
    waiting = Audit.objects.filter(village__branches__elections__in=open_elections)

    assert waiting.exclude(status=AuditStatus.DONE).exists()
    assert AuditFinding.objects.filter(rectified=False).exists()
    assert AuditFinding.objects.filter(rectified=True).exists()
    assert not AuditFinding.objects.filter(audit__status=AuditStatus.PLANNED).exists()
    # Rectified after the audit found them, never before.
    assert not AuditFinding.objects.filter(
        Q(rectified=True) & Q(rectified_on__lt=F("audit__completed_on"))
    ).exists()


def test_reset_removes_the_audits_and_builds_them_again() -> None:
    seed(villages=60, seed=7)
    first = list(Audit.objects.order_by("village__code").values_list("status", "funds"))

    seed(villages=60, seed=7, reset=True)

    assert list(Audit.objects.order_by("village__code").values_list("status", "funds")) == first
