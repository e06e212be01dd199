"""The pages of the elections app: village list, election editing, village creation, progress."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from elections.models import Branch, Election, ElectionStatus, Village
from tests.conftest import World, signed_in
from tests.factories import (
    CampaignFactory,
    CountyFactory,
    TownshipFactory,
    village_with_election,
)

# Village list ------------------------------------------------------------------------------


def test_it_lists_a_township_officials_villages_only(
    world: World, township_a1_client: Client
) -> None:
    # given: one of the two villages of A1 is already under way
    Election.objects.filter(pk=world.election("a1", 1).pk).update(status="in_progress")

    # when
    response = township_a1_client.get(reverse("elections:village_list"))

    # then
    assert response.status_code == 200
    rows = {e.branch.village: e.status for e in response.context["page"]}
    assert rows == {world.village("a1", 0): "not_started", world.village("a1", 1): "in_progress"}
    html = response.content.decode()
    for village in world.villages_of("a1"):
        assert village.name in html
    for village in world.villages_of("a2", "b1", "b2"):
        assert village.name not in html
    # Each row carries its election's status, rendered as a badge.
    assert f'id="election-{world.election("a1", 1).pk}"' in html
    assert "status-in_progress" in html
    assert "status-not_started" in html


def test_it_filters_the_village_list_by_status(world: World, county_a_client: Client) -> None:
    Election.objects.filter(pk=world.election("a2").pk).update(status="in_progress")

    response = county_a_client.get(reverse("elections:village_list"), {"status": "in_progress"})

    assert [e.pk for e in response.context["page"]] == [world.election("a2").pk]


def test_it_flags_and_filters_the_elections_past_their_planned_date(
    world: World, county_a_client: Client
) -> None:
    # given: A1's first election was planned for yesterday and has not been held; A1's
    # second was held; A2's is planned for tomorrow; a postponed one has its reason instead
    yesterday = timezone.localdate() - timedelta(days=1)
    tomorrow = yesterday + timedelta(days=2)
    late, held = world.election("a1", 0), world.election("a1", 1)
    Election.objects.filter(pk=late.pk).update(status="in_progress", planned_date=yesterday)
    Election.objects.filter(pk=held.pk).update(
        status="completed", planned_date=yesterday, held_date=yesterday
    )
    Election.objects.filter(pk=world.election("a2").pk).update(planned_date=tomorrow)
    Election.objects.filter(pk=world.election("a2", 1).pk).update(
        status="postponed", postponement_reason="村两委人选待定", planned_date=yesterday
    )

    # when
    listed = county_a_client.get(reverse("elections:village_list"))
    overdue = county_a_client.get(reverse("elections:village_list"), {"status": "overdue"})
    detail = county_a_client.get(reverse("candidates:election_detail", args=[late.pk]))

    # then
    assert [e.pk for e in overdue.context["page"]] == [late.pk]
    assert [e.pk for e in listed.context["page"] if e.is_overdue] == [late.pk]
    assert listed.content.decode().count(">逾期</span>") == 1
    assert '<option value="overdue">逾期</option>' in listed.content.decode()
    assert f"逾期：计划于{yesterday:%Y-%m-%d}" in detail.content.decode()


def test_it_lists_the_elections_of_the_chosen_campaign(
    world: World, township_a1_client: Client
) -> None:
    # given: an earlier campaign in which only one village of A1 took part
    earlier = CampaignFactory(
        name="2021年集中换届",
        start_date=world.campaign.start_date.replace(year=2021),
        end_date=world.campaign.start_date.replace(year=2021),
    )
    old = Election.objects.create(campaign=earlier, branch=world.branch("a1"))

    # when
    response = township_a1_client.get(reverse("elections:village_list"), {"campaign": earlier.pk})

    # then
    assert response.context["campaign"] == earlier
    assert [e.pk for e in response.context["page"]] == [old.pk]


# Election editing --------------------------------------------------------------------------

VALID = {
    "status": "in_progress",
    "method": "public_direct",
    "mode": "direct",
    "batch": "1",
    "planned_date": "2026-03-20",
    "held_date": "",
    "postponement_reason": "",
}

INVALID = {
    "postponed without a reason": (
        {"status": "postponed"},
        "postponement_reason",
        "延期换届的原因",
    ),
    "completed without a date": ({"status": "completed"}, "held_date", "须填写选举日期"),
    "conventional but direct": ({"method": "conventional", "mode": "direct"}, "mode", "间接选举"),
    "public and direct but indirect": ({"mode": "indirect"}, "mode", "直接选举"),
    "not started but held": (
        {"status": "not_started", "held_date": "2026-03-01"},
        "held_date",
        "未启动",
    ),
}


def edit_url(election: Election) -> str:
    return reverse("elections:election_edit", args=[election.pk])


@pytest.mark.parametrize("case", INVALID)
def test_it_rerenders_an_invalid_election_with_the_error_and_saves_nothing(
    case: str, world: World, township_a1_client: Client
) -> None:
    # given
    election = world.election("a1")
    before = Election.objects.filter(pk=election.pk).values().get()
    change, field, _ = INVALID[case]

    # when
    response = township_a1_client.post(edit_url(election), VALID | change)

    # then: the form comes back with the error on the right field ...
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    # ... and nothing was written.
    assert Election.objects.filter(pk=election.pk).values().get() == before


@pytest.mark.parametrize("case", INVALID)
def test_it_explains_an_invalid_election_in_chinese(
    case: str, world: World, township_a1_client: Client
) -> None:
    # Our own messages (elections/models.py): they need locale/zh_Hans to carry them.
    change, field, chinese = INVALID[case]

    response = township_a1_client.post(edit_url(world.election("a1")), VALID | change)

    message = " ".join(response.context["form"].errors[field])
    assert chinese in message, message


def test_it_saves_a_valid_election_and_records_who_changed_it(
    world: World, township_a1: User, township_a1_client: Client
) -> None:
    # given
    election = world.election("a1")

    # when
    response = township_a1_client.post(
        edit_url(election),
        VALID | {"status": "completed", "held_date": "2026-03-21", "batch": "2"},
    )

    # then
    assert response.status_code == 302
    assert response.url == reverse("elections:village_detail", args=[election.branch.village_id])
    election.refresh_from_db()
    assert election.status == ElectionStatus.COMPLETED
    assert str(election.held_date) == "2026-03-21"
    assert election.batch == 2
    assert election.updated_by == township_a1


def test_it_returns_the_inline_form_to_htmx(world: World, township_a1_client: Client) -> None:
    election = world.election("a1")

    response = township_a1_client.get(edit_url(election), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response.templates[0].name == "elections/_election_form.html"
    assert "<html" not in response.content.decode()


def test_it_returns_the_row_to_htmx_after_saving(world: World, township_a1_client: Client) -> None:
    # given
    election = world.election("a1")

    # when
    response = township_a1_client.post(
        edit_url(election), VALID | {"status": "in_progress"}, headers={"HX-Request": "true"}
    )

    # then: the row partial replaces the inline form in place, no redirect, no full page
    assert response.status_code == 200
    assert response.templates[0].name == "elections/_election_row.html"
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="election-{election.pk}"')
    assert "status-in_progress" in html
    assert "<html" not in html
    election.refresh_from_db()
    assert election.status == ElectionStatus.IN_PROGRESS


def test_it_returns_the_inline_form_with_errors_to_htmx(
    world: World, township_a1_client: Client
) -> None:
    election = world.election("a1")

    response = township_a1_client.post(
        edit_url(election), VALID | {"status": "postponed"}, headers={"HX-Request": "true"}
    )

    # 200, not 4xx: htmx swaps only successful responses into the page.
    assert response.status_code == 200
    assert response.templates[0].name == "elections/_election_form.html"
    assert "postponement_reason" in response.context["form"].errors


def test_it_restores_the_row_when_the_inline_edit_is_cancelled(
    world: World, township_a1_client: Client
) -> None:
    election = world.election("a1")

    response = township_a1_client.get(reverse("elections:election_row", args=[election.pk]))

    assert response.status_code == 200
    assert response.content.decode().strip().startswith(f'<tr id="election-{election.pk}"')


# Village creation --------------------------------------------------------------------------


def create_url(world: World) -> str:
    return reverse("elections:village_create") + f"?township={world.township_a1.pk}"


NEW_VILLAGE = {
    "code": "320101001050",
    "name": "新建村",
    "kind": "rural",
    "party_members": "42",
    "grade": "middle",
    "branch_kind": "branch",
    "seats": "3",
}


def test_it_shows_the_village_form_for_a_township(world: World, township_a1_client: Client) -> None:
    response = township_a1_client.get(create_url(world))

    assert response.status_code == 200
    assert response.context["township"] == world.township_a1
    assert world.township_a1.name in response.content.decode()


def test_it_creates_a_village_with_its_branch_and_elections_in_running_campaigns(
    world: World, township_a1: User, township_a1_client: Client
) -> None:
    # given: besides the current campaign, one that ended years ago
    ended = CampaignFactory(
        name="2021年集中换届",
        start_date=world.campaign.start_date.replace(year=2021),
        end_date=world.campaign.start_date.replace(year=2021),
    )

    # when
    response = township_a1_client.post(create_url(world), NEW_VILLAGE)

    # then
    village = Village.objects.get(code="320101001050")
    assert response.status_code == 302
    assert response.url == reverse("elections:village_detail", args=[village.pk])
    assert village.township == world.township_a1
    assert village.party_members == 42
    branch = Branch.objects.get(village=village)
    assert (branch.kind, branch.seats) == ("branch", 3)
    elections = Election.objects.filter(branch=branch)
    # Entered in the running campaign only: the ended one is history.
    assert [e.campaign for e in elections] == [world.campaign]
    assert elections[0].updated_by == township_a1
    assert ended.elections.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"code": "32010100105"}, "code", id="11 digits"),
        pytest.param({"code": "32010100105X"}, "code", id="a letter"),
        pytest.param({"code": "320101001001"}, "code", id="code taken"),
        pytest.param({"branch_kind": "committee", "seats": "3"}, "seats", id="too few seats"),
        pytest.param({"branch_kind": "branch", "seats": "6"}, "seats", id="too many seats"),
    ],
)
def test_it_rejects_an_invalid_village_and_creates_nothing(
    change: dict, field: str, world: World, township_a1_client: Client
) -> None:
    villages, branches, elections = (
        Village.objects.count(),
        Branch.objects.count(),
        (Election.objects.count()),
    )

    response = township_a1_client.post(create_url(world), NEW_VILLAGE | change)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert (Village.objects.count(), Branch.objects.count(), Election.objects.count()) == (
        villages,
        branches,
        elections,
    )


def test_it_rejects_a_village_code_outside_the_township(
    world: World, township_a1_client: Client
) -> None:
    # given: a well-formed code of township A2, posted to township A1
    data = NEW_VILLAGE | {"code": "320101002050"}

    # when
    response = township_a1_client.post(create_url(world), data)

    # then: the form shows the error on the code; nothing is created
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not Village.objects.filter(code="320101002050").exists()


def test_a_township_official_adds_villages_to_their_own_township_by_default(
    world: World, township_a1_client: Client
) -> None:
    response = township_a1_client.get(reverse("elections:village_create"))

    assert response.status_code == 200
    assert response.context["township"] == world.township_a1


def test_a_county_must_say_which_township_a_new_village_is_in(
    world: World, county_a_client: Client
) -> None:
    assert county_a_client.get(reverse("elections:village_create")).status_code == 404


# Progress tables ---------------------------------------------------------------------------


@pytest.fixture
def progress_world(db: None) -> dict:
    """A county whose townships have 1 of 8, 2 of 3, 1 of 16 and 0 of 0 elections completed."""
    campaign = CampaignFactory()
    county = CountyFactory(code="320199", name="丙县")
    plan = {"320199001": (1, 8), "320199002": (2, 3), "320199003": (1, 16), "320199004": (0, 0)}
    townships = []
    for code, (completed, total) in plan.items():
        township = TownshipFactory(county=county, code=code, name=f"镇{code[-1]}")
        townships.append(township)
        for number in range(total):
            status = "completed" if number < completed else "not_started"
            village_with_election(township=township, campaign=campaign, status=status)
    # A postponed and an in-progress election in the first township, to tell the columns apart.
    village_with_election(township=townships[0], campaign=campaign, status="postponed")
    village_with_election(township=townships[0], campaign=campaign, status="in_progress")
    return {"campaign": campaign, "county": county, "townships": townships}


def test_it_counts_the_county_progress_per_township(progress_world: dict, city: User) -> None:
    # when
    response = signed_in(city).get(
        reverse("elections:county_progress", args=[progress_world["county"].pk]),
        {"campaign": progress_world["campaign"].pk},
    )

    # then
    rows = response.context["rows"]
    assert [row.region for row in rows] == progress_world["townships"]
    counts = [(r.total, r.completed, r.in_progress, r.not_started, r.postponed) for r in rows]
    assert counts == [(10, 1, 1, 7, 1), (3, 2, 0, 1, 0), (16, 1, 0, 15, 0), (0, 0, 0, 0, 0)]
    total = response.context["total"]
    assert (total.total, total.completed) == (29, 4)


def test_it_rounds_the_completion_rate_to_one_decimal_half_up(
    progress_world: dict, city: User
) -> None:
    # given: the first township without its postponed and in-progress elections: 1 of 8
    Election.objects.filter(status__in=["postponed", "in_progress"]).delete()

    # when
    response = signed_in(city).get(
        reverse("elections:county_progress", args=[progress_world["county"].pk]),
        {"campaign": progress_world["campaign"].pk},
    )

    # then: 1/8 = 12.5; 2/3 = 66.7; 1/16 = 6.25 -> 6.3 (float round() gives 6.2); 0/0 none
    rates = [row.completion_rate for row in response.context["rows"]]
    assert rates == [Decimal("12.5"), Decimal("66.7"), Decimal("6.3"), None]
    assert all(isinstance(rate, Decimal) for rate in rates[:3])
    # 4 of 27 = 14.81...
    assert response.context["total"].completion_rate == Decimal("14.8")
    html = response.content.decode()
    assert "12.5%" in html
    assert "66.7%" in html
    assert "6.3%" in html


def test_it_counts_the_city_progress_per_county(world: World, city_client: Client) -> None:
    # given: county A has one completed election of its four, county B none
    Election.objects.filter(pk=world.election("a2").pk).update(
        status="completed", held_date=world.campaign.start_date
    )

    # when
    response = city_client.get(reverse("elections:city_progress"))

    # then
    rows = {row.region: row for row in response.context["rows"]}
    assert list(rows) == [world.county_a, world.county_b]
    assert (rows[world.county_a].total, rows[world.county_a].completed) == (4, 1)
    assert rows[world.county_a].completion_rate == Decimal("25.0")
    assert (rows[world.county_b].total, rows[world.county_b].completed) == (4, 0)
    assert rows[world.county_b].completion_rate == Decimal("0.0")
    assert response.context["total"].total == 8


def test_an_inspection_group_follows_the_progress_of_its_townships_only(
    world: World, inspector_client: Client
) -> None:
    # given: an election held in A1 (the group's township) and one in A2 (not the group's)
    for township in ("a1", "a2"):
        Election.objects.filter(pk=world.election(township).pk).update(
            status="completed", held_date=world.campaign.start_date
        )

    # when
    home = inspector_client.get(reverse("elections:village_list"))
    response = inspector_client.get(reverse("elections:city_progress"))

    # then: the menu leads there, and it counts A1's two elections only
    assert f'href="{reverse("elections:city_progress")}"' in home.content.decode()
    rows = {row.region: row for row in response.context["rows"]}
    assert list(rows) == [world.county_a]
    assert (rows[world.county_a].total, rows[world.county_a].completed) == (2, 1)


def test_it_counts_only_the_chosen_campaign(world: World, city_client: Client) -> None:
    earlier = CampaignFactory(
        name="2021年集中换届",
        start_date=world.campaign.start_date.replace(year=2021),
        end_date=world.campaign.start_date.replace(year=2021),
    )
    Election.objects.create(
        campaign=earlier,
        branch=world.branch("a1"),
        status="completed",
        held_date=earlier.start_date,
    )

    current = city_client.get(reverse("elections:city_progress"))
    chosen = city_client.get(reverse("elections:city_progress"), {"campaign": earlier.pk})

    assert current.context["total"].total == 8
    assert (chosen.context["total"].total, chosen.context["total"].completed) == (1, 1)


# CSRF --------------------------------------------------------------------------------------


def test_it_refuses_a_post_without_a_csrf_token(world: World, township_a1: User) -> None:
    # given: a client that checks CSRF as a browser would (the default test client does not)
    client = signed_in(township_a1, enforce_csrf_checks=True)
    election = world.election("a1")

    # when
    response = client.post(edit_url(election), VALID)

    # then
    assert response.status_code == 403
    election.refresh_from_db()
    assert election.status == ElectionStatus.NOT_STARTED


def test_it_accepts_the_csrf_token_htmx_sends_in_a_header(world: World, township_a1: User) -> None:
    # given: the token base.html hands htmx through hx-headers
    client = signed_in(township_a1, enforce_csrf_checks=True)
    election = world.election("a1")
    page = client.get(reverse("elections:village_list"))
    token = page.context["csrf_token"]

    # when
    response = client.post(
        edit_url(election), VALID, headers={"HX-Request": "true", "X-CSRFToken": str(token)}
    )

    # then: the same POST goes through once the token is there
    assert response.status_code == 200
    election.refresh_from_db()
    assert election.status == ElectionStatus.IN_PROGRESS


# Output escaping and fixed fields ----------------------------------------------------------


def test_it_escapes_what_officials_type(world: World, township_a1_client: Client) -> None:
    # given: a reason with markup, saved through the form
    election = world.election("a1")
    reason = '<script>alert("x")</script>'
    township_a1_client.post(
        edit_url(election), VALID | {"status": "postponed", "postponement_reason": reason}
    )

    # when
    listed = township_a1_client.get(reverse("elections:village_list")).content.decode()
    detail = township_a1_client.get(
        reverse("elections:village_detail", args=[election.branch.village_id])
    ).content.decode()

    # then
    for html in (listed, detail):
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert" in html


def test_it_keeps_a_villages_code_once_set(world: World, township_a1_client: Client) -> None:
    # The division code is the village's key across imports: the edit form must not change it.
    village = world.village("a1")

    response = township_a1_client.post(
        reverse("elections:village_edit", args=[village.pk]),
        {
            "code": "320101001999",
            "name": "改名村",
            "kind": "rural",
            "party_members": "5",
            "grade": "middle",
        },
    )

    assert response.status_code == 302
    village.refresh_from_db()
    assert (village.code, village.name) == ("320101001001", "改名村")
