"""The rules of an audit and its findings, through the services that write them."""

import datetime
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audits import services
from audits.models import Audit, AuditFinding, AuditStatus
from candidates.models import Person
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture
def audit(world: World, township_a1: User) -> Audit:
    return services.audit_create(
        by=township_a1,
        campaign=world.campaign,
        village=world.village("a1"),
        period_start=datetime.date(2021, 1, 1),
        period_end=TODAY - 30 * DAY,
        auditors="县农经站 王明",
        status=AuditStatus.IN_PROGRESS,
        funds=Decimal("856000.00"),
        resources="耕地1200亩",
        assets=Decimal("3200000.00"),
    )


@pytest.fixture
def done(audit: Audit, township_a1: User) -> Audit:
    return services.audit_mark_done(by=township_a1, audit=audit, completed_on=TODAY - DAY)


def test_it_enters_an_audit_and_logs_it(audit: Audit, township_a1: User) -> None:
    assert (audit.status, audit.updated_by) == (AuditStatus.IN_PROGRESS, township_a1)
    assert LogEntry.objects.get_for_object(audit).filter(action=LogEntry.Action.CREATE).exists()


def test_it_keeps_one_audit_per_village_and_campaign(
    world: World, audit: Audit, township_a1: User
) -> None:
    with pytest.raises(ValidationError):
        services.audit_create(by=township_a1, campaign=world.campaign, village=world.village("a1"))


def test_a_done_audit_needs_its_completion_date(audit: Audit, township_a1: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.audit_update(by=township_a1, audit=audit, status=AuditStatus.DONE)

    assert "completed_on" in error.value.message_dict


@pytest.mark.parametrize(
    ("completed_on", "why"),
    [(TODAY + DAY, "in the future"), (TODAY - 31 * DAY, "before the period ends")],
)
def test_it_refuses_an_impossible_completion_date(
    audit: Audit, township_a1: User, completed_on: datetime.date, why: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.audit_mark_done(by=township_a1, audit=audit, completed_on=completed_on)

    assert "completed_on" in error.value.message_dict, why
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.IN_PROGRESS


def test_it_refuses_a_period_that_ends_before_it_starts(audit: Audit, township_a1: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.audit_update(by=township_a1, audit=audit, period_end=datetime.date(2020, 1, 1))

    assert "period_end" in error.value.message_dict


def test_it_refuses_to_change_a_done_audits_totals(done: Audit, township_a1: User) -> None:
    # when
    with pytest.raises(ValidationError) as error:
        services.audit_update(by=township_a1, audit=done, funds=Decimal("1.00"), assets=None)

    # then both totals are named, and nothing changed
    assert error.value.message_dict == {
        "funds": [str(services.MSG_DONE_TOTALS)],
        "assets": [str(services.MSG_DONE_TOTALS)],
    }
    assert Audit.objects.get(pk=done.pk).funds == Decimal("856000.00")


def test_it_lets_a_done_audit_change_what_is_not_a_total(done: Audit, township_a1: User) -> None:
    services.audit_update(
        by=township_a1, audit=done, notes="审计报告已归档", funds=Decimal("856000")
    )

    assert Audit.objects.get(pk=done.pk).notes == "审计报告已归档"


def test_it_changes_the_totals_once_back_in_progress(done: Audit, township_a1: User) -> None:
    # given: reopened (the completion date goes with it)
    reopened = services.audit_reopen(by=township_a1, audit=done)
    assert (reopened.status, reopened.completed_on) == (AuditStatus.IN_PROGRESS, None)

    # when
    services.audit_update(by=township_a1, audit=reopened, funds=Decimal("900000.00"))
    services.audit_mark_done(by=township_a1, audit=reopened, completed_on=TODAY)

    # then: each step is in the audit log
    audit = Audit.objects.get(pk=done.pk)
    assert (audit.funds, audit.status) == (Decimal("900000.00"), AuditStatus.DONE)
    assert LogEntry.objects.get_for_object(audit).count() >= 4


def test_an_update_that_goes_back_to_in_progress_may_change_the_totals(
    done: Audit, township_a1: User
) -> None:
    services.audit_update(
        by=township_a1,
        audit=done,
        status=AuditStatus.IN_PROGRESS,
        completed_on=done.completed_on,
        funds=Decimal("1.00"),
    )

    audit = Audit.objects.get(pk=done.pk)
    assert (audit.status, audit.completed_on, audit.funds) == (
        AuditStatus.IN_PROGRESS,
        None,
        Decimal("1.00"),
    )


def test_a_done_audit_does_not_go_back_to_planned(done: Audit, township_a1: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.audit_update(by=township_a1, audit=done, status=AuditStatus.PLANNED)

    assert error.value.message_dict == {"status": [str(services.MSG_DONE_ONLY_REOPENS)]}


def test_it_reopens_only_a_done_audit(audit: Audit, township_a1: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.audit_reopen(by=township_a1, audit=audit)

    assert error.value.messages == [str(services.MSG_NOT_DONE)]


def test_the_database_holds_the_done_date_rule_against_bulk_writes(audit: Audit) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Audit.objects.filter(pk=audit.pk).update(status=AuditStatus.DONE)


# Findings -----------------------------------------------------------------------------------


def test_a_rectified_finding_needs_its_date(audit: Audit, township_a1: User) -> None:
    with pytest.raises(ValidationError) as error:
        services.finding_create(by=township_a1, audit=audit, description="白条入账", rectified=True)

    assert "rectified_on" in error.value.message_dict


def test_a_linked_person_gives_the_finding_its_name(
    world: World, audit: Audit, township_a1: User
) -> None:
    person = Person.objects.create(
        name="王有才",
        gender="M",
        birth_date=datetime.date(1980, 1, 1),
        id_number="320102198001010018",
        township=world.township_a1,
    )

    finding = services.finding_create(
        by=township_a1,
        audit=audit,
        description="坐支现金",
        amount=Decimal("5000"),
        responsible_person=person,
        responsible_name="王某",
    )

    assert finding.responsible_name == "王有才"
    assert LogEntry.objects.get_for_object(finding).exists()


def test_it_updates_and_deletes_a_finding(audit: Audit, township_a1: User) -> None:
    finding = services.finding_create(by=township_a1, audit=audit, description="白条入账")

    services.finding_update(by=township_a1, finding=finding, rectified=True, rectified_on=TODAY)
    assert AuditFinding.objects.get(pk=finding.pk).rectified
    services.finding_delete(by=township_a1, finding=finding)

    assert not AuditFinding.objects.filter(pk=finding.pk).exists()
