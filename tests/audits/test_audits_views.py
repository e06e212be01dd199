"""The audit pages: who reaches what (404 outside the region, 403 for read-only writes), the
list's filters and counts, and forms that come back with their errors in Chinese."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audits import services
from audits.models import Audit, AuditFinding, AuditStatus
from candidates.models import Candidacy, Person
from tests.conftest import World, signed_in
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
REQUIRED = "这个字段是必填项。"  # Django's own Chinese message


def page(response: object) -> str:
    return response.content.decode()


@pytest.fixture
def audits(world: World) -> dict[str, Audit]:
    """Audits of village A1-1 (done), A1-2 (in progress), A2-1 (planned), B1-1 (done)."""

    def make(key: str, index: int, status: str) -> Audit:
        return Audit.objects.create(
            campaign=world.campaign,
            village=world.village(key, index),
            status=status,
            completed_on=TODAY if status == AuditStatus.DONE else None,
            funds=Decimal("1000.00"),
        )

    rows = {
        "a1": make("a1", 0, AuditStatus.DONE),
        "a1_second": make("a1", 1, AuditStatus.IN_PROGRESS),
        "a2": make("a2", 0, AuditStatus.PLANNED),
        "b1": make("b1", 0, AuditStatus.DONE),
    }
    AuditFinding.objects.create(audit=rows["a1"], description="白条入账", responsible_name="王某")
    return rows


def listed(response: object) -> set[str]:
    return {audit.village.code for audit in response.context["page"]}


def counts(response: object) -> dict[str, int]:
    return {row.status: row.count for row in response.context["summary"]}


# The list -----------------------------------------------------------------------------------


def test_the_list_shows_the_users_region_only(
    world: World, audits: dict, township_a1_client: Client, county_a_client: Client
) -> None:
    url = reverse("audits:audit_list")

    township = township_a1_client.get(url)
    county = county_a_client.get(url)

    assert listed(township) == {world.village("a1").code, world.village("a1", 1).code}
    assert listed(county) == {a.village.code for k, a in audits.items() if k != "b1"}
    # Counts per status, and the villages of the region with no audit entered yet.
    assert counts(township) == {"planned": 0, "in_progress": 1, "done": 1, "missing": 0}
    assert counts(county) == {"planned": 1, "in_progress": 1, "done": 1, "missing": 1}


def test_the_list_filters_by_county_township_status_and_village(
    world: World, audits: dict, city_client: Client
) -> None:
    url = reverse("audits:audit_list")

    by_county = city_client.get(url, {"county": world.county_b.pk})
    by_township = city_client.get(url, {"township": world.township_a2.pk})
    by_status = city_client.get(url, {"status": "done"})
    by_name = city_client.get(url, {"q": world.village("a1", 1).name})

    assert listed(by_county) == {world.village("b1").code}
    assert listed(by_township) == {world.village("a2").code}
    assert listed(by_status) == {world.village("a1").code, world.village("b1").code}
    assert listed(by_name) == {world.village("a1", 1).code}
    # The counts follow every filter but the status one (they are the status filter's menu).
    assert counts(by_status)["planned"] == 1


def test_the_list_shows_the_chosen_campaigns_audits(audits: dict, city_client: Client) -> None:
    other = CampaignFactory(start_date=TODAY - datetime.timedelta(days=400))

    response = city_client.get(reverse("audits:audit_list"), {"campaign": other.pk})

    assert listed(response) == set()
    assert counts(response)["missing"] == 8


def test_the_list_shows_the_pages_text_in_chinese(audits: dict, city_client: Client) -> None:
    html = page(city_client.get(reverse("audits:audit_list")))

    assert 'lang="zh-CN"' in html
    assert "筛选" in html  # 'Filter', from the shared catalog


# Scoping ------------------------------------------------------------------------------------


def test_it_checks_ownership(audits: dict, township_b1_client: Client) -> None:
    audit, finding = audits["a1"], audits["a1"].findings.get()
    urls = [
        reverse("audits:audit_detail", args=[audit.pk]),
        reverse("audits:audit_edit", args=[audit.pk]),
        reverse("audits:audit_done", args=[audit.pk]),
        reverse("audits:finding_create", args=[audit.pk]),
        reverse("audits:finding_edit", args=[finding.pk]),
    ]

    for url in urls:
        assert township_b1_client.get(url).status_code == 404, url
    for url in (
        reverse("audits:audit_reopen", args=[audit.pk]),
        reverse("audits:finding_delete", args=[finding.pk]),
    ):
        assert township_b1_client.post(url).status_code == 404, url
    assert AuditFinding.objects.filter(pk=finding.pk).exists()


def test_it_requires_rw_access(audits: dict, inspector_client: Client) -> None:
    audit, finding = audits["a1"], audits["a1"].findings.get()

    # the inspection group reads ...
    assert inspector_client.get(reverse("audits:audit_detail", args=[audit.pk])).status_code == 200
    # ... and writes nothing
    writes = [
        ("get", reverse("audits:audit_create") + f"?village={audit.village_id}"),
        ("get", reverse("audits:audit_edit", args=[audit.pk])),
        ("post", reverse("audits:audit_edit", args=[audit.pk])),
        ("post", reverse("audits:audit_done", args=[audit.pk])),
        ("post", reverse("audits:audit_reopen", args=[audit.pk])),
        ("post", reverse("audits:finding_create", args=[audit.pk])),
        ("post", reverse("audits:finding_edit", args=[finding.pk])),
        ("post", reverse("audits:finding_delete", args=[finding.pk])),
    ]
    for method, url in writes:
        assert getattr(inspector_client, method)(url).status_code == 403, url
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.DONE


def test_the_detail_page_hides_write_buttons_from_read_only_users(
    audits: dict, inspector_client: Client
) -> None:
    html = page(inspector_client.get(reverse("audits:audit_detail", args=[audits["a1"].pk])))

    assert reverse("audits:audit_edit", args=[audits["a1"].pk]) not in html
    assert "白条入账" in html


def test_the_county_writes_in_its_townships(audits: dict, county_a_client: Client) -> None:
    audit = audits["a2"]

    response = county_a_client.post(
        reverse("audits:audit_edit", args=[audit.pk]),
        {"status": "in_progress", "auditors": "县审计组"},
    )

    assert response.status_code == 302
    assert Audit.objects.get(pk=audit.pk).auditors == "县审计组"


# Forms --------------------------------------------------------------------------------------


def test_it_enters_an_audit_for_a_village_without_one(
    world: World, audits: dict, township_a1: User
) -> None:
    # given: a new village in A1 with its election
    client = signed_in(township_a1)
    Audit.objects.filter(pk=audits["a1_second"].pk).delete()
    url = reverse("audits:audit_create") + f"?campaign={world.campaign.pk}"

    # the form offers the villages of the user's region that have no audit yet
    choices = client.get(url).context["form"].fields["village"].queryset
    assert list(choices) == [world.village("a1", 1)]

    # when
    response = client.post(
        url,
        {
            "village": world.village("a1", 1).pk,
            "status": "done",
            "completed_on": TODAY.isoformat(),
            "period_start": "2021-01-01",
            "period_end": "2021-12-31",
            "funds": "12500.50",
        },
    )

    # then
    audit = Audit.objects.get(village=world.village("a1", 1), campaign=world.campaign)
    assert response.status_code == 302
    assert response.url == reverse("audits:audit_detail", args=[audit.pk])
    assert (audit.status, audit.funds, audit.updated_by) == (
        "done",
        Decimal("12500.50"),
        township_a1,
    )


def test_the_create_form_comes_back_with_its_errors_in_chinese(
    world: World, township_a1_client: Client
) -> None:
    url = reverse("audits:audit_create") + f"?campaign={world.campaign.pk}"

    response = township_a1_client.post(
        url, {"village": world.village("a1").pk, "status": "done", "funds": "很多"}
    )

    html = page(response)
    assert response.status_code == 200
    assert "输入一个数字。" in html  # Django's own Chinese message for the funds
    assert 'aria-invalid="true"' in html
    assert not Audit.objects.exists()


def test_the_create_form_shows_the_services_refusal(
    world: World, township_a1_client: Client
) -> None:
    url = reverse("audits:audit_create") + f"?campaign={world.campaign.pk}"

    response = township_a1_client.post(url, {"village": world.village("a1").pk, "status": "done"})

    assert response.status_code == 200
    assert "completed_on" in response.context["form"].errors
    assert not Audit.objects.exists()


def test_the_edit_form_refuses_to_change_a_done_audits_totals(
    audits: dict, township_a1_client: Client
) -> None:
    audit = audits["a1"]

    response = township_a1_client.post(
        reverse("audits:audit_edit", args=[audit.pk]),
        {"status": "done", "completed_on": TODAY.isoformat(), "funds": "99.00"},
    )

    assert response.status_code == 200
    assert str(services.MSG_DONE_TOTALS) in page(response)
    assert Audit.objects.get(pk=audit.pk).funds == Decimal("1000.00")


def test_the_edit_form_needs_the_status(audits: dict, township_a1_client: Client) -> None:
    response = township_a1_client.post(reverse("audits:audit_edit", args=[audits["a1"].pk]), {})

    assert response.status_code == 200
    assert REQUIRED in page(response)


def test_it_marks_an_audit_done_and_reopens_it(audits: dict, township_a1_client: Client) -> None:
    audit = audits["a1_second"]
    url = reverse("audits:audit_done", args=[audit.pk])

    # without a date: the form comes back
    response = township_a1_client.post(url, {"done-completed_on": ""})
    assert response.status_code == 200
    assert REQUIRED in page(response)

    # with a date: done
    response = township_a1_client.post(url, {"done-completed_on": TODAY.isoformat()})
    assert response.status_code == 302
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.DONE

    # and back to in progress
    response = township_a1_client.post(reverse("audits:audit_reopen", args=[audit.pk]))
    assert response.status_code == 302
    assert Audit.objects.get(pk=audit.pk).status == AuditStatus.IN_PROGRESS


def test_it_records_a_finding_linked_to_a_candidate_of_the_village(
    world: World, audits: dict, township_a1_client: Client
) -> None:
    # given: a person standing in the village's election, and one elsewhere
    audit = audits["a1"]
    people = {}
    for n, (name, election) in enumerate(
        [("王有才", world.election("a1")), ("李在外", world.election("a2"))]
    ):
        people[name] = Person.objects.create(
            name=name,
            gender="M",
            birth_date=datetime.date(1980, 1, 1),
            id_number=("320102198001010018", "320102198001010034")[n],
            township=election.branch.village.township,
        )
        Candidacy.objects.create(election=election, person=people[name], education="bachelor")
    url = reverse("audits:finding_create", args=[audit.pk])

    # the form offers only who stands in this village
    offered = township_a1_client.get(url).context["form"].fields["responsible_person"].queryset
    assert list(offered) == [people["王有才"]]

    # when
    response = township_a1_client.post(
        url,
        {
            "description": "坐支现金",
            "amount": "5000",
            "responsible_person": people["王有才"].pk,
        },
    )

    # then
    assert response.status_code == 302
    finding = AuditFinding.objects.get(description="坐支现金")
    assert (finding.responsible_person, finding.responsible_name) == (people["王有才"], "王有才")
    assert not finding.rectified


def test_the_finding_form_comes_back_with_its_errors(
    audits: dict, township_a1_client: Client
) -> None:
    response = township_a1_client.post(
        reverse("audits:finding_create", args=[audits["a1"].pk]),
        {"description": "", "amount": "-5", "rectified": "on"},
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert REQUIRED in page(response)
    assert {"description", "amount"} <= set(form.errors)
    assert AuditFinding.objects.count() == 1


def test_it_edits_and_deletes_a_finding(audits: dict, township_a1_client: Client) -> None:
    finding = audits["a1"].findings.get()

    response = township_a1_client.post(
        reverse("audits:finding_edit", args=[finding.pk]),
        {"description": "白条入账", "amount": "0", "rectified": "on", "rectified_on": ""},
    )
    assert response.status_code == 200  # a rectified finding needs its date
    assert "rectified_on" in response.context["form"].errors

    response = township_a1_client.post(
        reverse("audits:finding_edit", args=[finding.pk]),
        {
            "description": "白条入账",
            "amount": "0",
            "rectified": "on",
            "rectified_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert AuditFinding.objects.get(pk=finding.pk).rectified

    response = township_a1_client.post(reverse("audits:finding_delete", args=[finding.pk]))
    assert response.status_code == 302
    assert not AuditFinding.objects.filter(pk=finding.pk).exists()
