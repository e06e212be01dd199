"""The dashboard pages: the report's numbers for the same scope, drill-down, filters, scoping
and a number of queries that does not grow with the data."""

import json
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from candidates.models import Candidacy, CommitteeMember, Education, Person, Post, Stage
from dashboards.figures import campaign_figures_refresh, jsonable
from dashboards.models import ProgressSnapshot, RegionFigures
from dashboards.snapshots import snapshot_take
from elections.models import ElectionStatus
from reports.statistics import compute_figures
from tests.conftest import World
from tests.factories import TownshipFactory, village_with_election


def complete(election, batch: int = 1) -> None:
    election.status = ElectionStatus.COMPLETED
    election.held_date = election.campaign.start_date
    election.batch = batch
    election.save()


def seat(election, name: str, gender: str, birth: str, post: str = Post.MEMBER) -> None:
    person = Person.objects.create(
        name=name,
        gender=gender,
        birth_date=birth,
        id_number=f"test-{name}",
        township=election.branch.village.township,
    )
    candidacy = Candidacy.objects.create(
        election=election, person=person, education=Education.BACHELOR, stage=Stage.ELECTED
    )
    CommitteeMember.objects.create(election=election, candidacy=candidacy, post=post)


@pytest.fixture
def data(world: World) -> World:
    """Township A1 has held one election (batch 1) with a committee of two; A2's one
    election is postponed (batch 2); county B's elections have not started."""
    complete(world.election("a1"))
    seat(world.election("a1"), "王芳", "F", "1990-05-01", Post.SECRETARY)
    seat(world.election("a1"), "李强", "M", "1968-03-02")
    postponed = world.election("a2")
    postponed.status, postponed.batch = ElectionStatus.POSTPONED, 2
    postponed.postponement_reason = "班子人选未定"
    postponed.save()
    campaign_figures_refresh(campaign=world.campaign)
    return world


def keyed_cells(html: str) -> dict[str, str]:
    """The figures a page shows against their compute_figures key (data-key cells)."""
    return dict(re.findall(r'data-key="([a-z0-9_]+)">([^<]*)</span>', html))


def printed(value: object) -> str:
    return "—" if value is None else str(jsonable(value))


def assert_same_as_report(html: str, figures: dict) -> None:
    shown = keyed_cells(html)
    assert len(shown) > 30  # the page carries the report's figures, not a handful
    for key, text in shown.items():
        assert text == printed(figures[key]), key


def test_it_shows_the_city_the_reports_figures(data: World, city: User, city_client: Client):
    response = city_client.get(reverse("dashboards:city"))

    assert response.status_code == 200
    assert_same_as_report(
        response.content.decode(), compute_figures(campaign=data.campaign, user=city)
    )


def test_it_shows_a_county_its_own_figures_and_drills_to_its_townships(
    data: World, county_a: User, county_a_client: Client
) -> None:
    # when
    response = county_a_client.get(reverse("dashboards:county", args=[data.county_a.pk]))

    # then: county A's numbers, as the report counts them for county A
    html = response.content.decode()
    assert_same_as_report(html, compute_figures(campaign=data.campaign, user=county_a))
    assert reverse("dashboards:township", args=[data.township_a1.pk]) in html
    assert reverse("dashboards:township", args=[data.township_b1.pk]) not in html
    # the drill-down chart carries the same counts as its table, one link per township
    charts = {c["id"]: c for c in response.context["charts"]}
    drill = charts["chart-drill"]
    assert drill["categories"] == ["甲一镇", "甲二镇"]
    completed = next(s for s in drill["series"] if s["name"] == "已完成")
    assert completed["data"] == [1, 0]
    assert drill["links"][0].startswith(reverse("dashboards:township", args=[data.township_a1.pk]))


def test_it_shows_a_township_the_figures_of_the_report_for_that_township(
    data: World, county_a: User, county_a_client: Client
) -> None:
    response = county_a_client.get(reverse("dashboards:township", args=[data.township_a1.pk]))

    expected = compute_figures(campaign=data.campaign, user=county_a, township=data.township_a1)
    html = response.content.decode()
    assert_same_as_report(html, expected)
    assert reverse("dashboards:village", args=[data.village("a1").pk]) in html


def test_it_shows_the_village_its_election_and_committee(
    data: World, township_a1_client: Client
) -> None:
    response = township_a1_client.get(reverse("dashboards:village", args=[data.village("a1").pk]))

    html = response.content.decode()
    assert "王芳" in html
    assert "李强" in html
    assert 'data-status="completed"' in html


def test_it_narrows_the_progress_to_one_batch(data: World, county_a_client: Client) -> None:
    url = reverse("dashboards:county", args=[data.county_a.pk])

    everything = county_a_client.get(url).context["drill"]
    second = county_a_client.get(url, {"batch": "2"}).context["drill"]

    assert [(r.total, r.completed, r.postponed) for r, _url in everything] == [(2, 1, 0), (2, 0, 1)]
    assert [(r.total, r.completed, r.postponed) for r, _url in second] == [(0, 0, 0), (1, 0, 1)]
    # drill-down links keep the filter
    assert all("batch=2" in link for _row, link in second)


def counts_by_region(client: Client, url: str, **params: str) -> dict[str, tuple]:
    rows = client.get(url, params).context["drill"]
    return {str(r.region): (r.total, r.completed, r.postponed) for r, _url in rows}


def test_it_counts_the_regions_no_visit_computed_yet(world: World, city_client: Client) -> None:
    # given: elections held and postponed, and no figures stored for any region (the embedded
    # default: no beat; a page computes its own region on its first visit)
    complete(world.election("a1"))
    postponed = world.election("b2")
    postponed.status, postponed.batch = ElectionStatus.POSTPONED, 2
    postponed.postponement_reason = "班子人选未定"
    postponed.save()

    # when: the city's page is the first visited
    shown = counts_by_region(city_client, reverse("dashboards:city"))

    # then: each county's progress, not zeros for the counties nobody opened
    assert shown == {"甲县": (4, 1, 0), "乙县": (4, 0, 1)}
    assert counts_by_region(city_client, reverse("dashboards:city"), batch="2") == {
        "甲县": (0, 0, 0),
        "乙县": (1, 0, 1),
    }
    url = reverse("dashboards:county", args=[world.county_b.pk])
    assert counts_by_region(city_client, url) == {"乙一镇": (2, 0, 0), "乙二镇": (2, 0, 1)}


def test_it_counts_the_regions_again_once_their_figures_are_stale_without_a_beat(
    data: World, city_client: Client
) -> None:
    # given: stored figures, then an election held after them, a minute and more ago
    complete(data.election("b1"))
    RegionFigures.objects.update(computed_at=timezone.now() - timedelta(minutes=2))

    # when / then: the county's row counts it
    shown = counts_by_region(city_client, reverse("dashboards:city"))
    assert shown["乙县"] == (4, 1, 0)


def test_without_a_beat_the_first_visit_rebuilds_the_days_of_progress(
    world: World, county_a_client: Client
) -> None:
    # given: an election of A1 completed ten days ago, and no snapshot taken (no beat)
    election = world.election("a1")
    complete(election)
    election.held_date = timezone.localdate() - timedelta(days=10)
    election.save()
    assert not ProgressSnapshot.objects.exists()

    # when
    response = county_a_client.get(reverse("dashboards:county", args=[world.county_a.pk]))

    # then: every day from the campaign's start to yesterday, and the chart drawn from them
    days = set(ProgressSnapshot.objects.values_list("day", flat=True))
    yesterday = timezone.localdate() - timedelta(days=1)
    assert min(days) == world.campaign.start_date
    assert max(days) == yesterday
    assert len(days) == (yesterday - world.campaign.start_date).days + 1
    chart = next(c for c in response.context["charts"] if c["id"] == "chart-timeline")
    rates = chart["series"][0]["data"]
    assert rates[0] == 0 and rates[-1] == 50  # one of A1's two elections held, ten days ago
    assert "manage.py" not in response.content.decode()


def test_it_passes_chart_data_without_inline_script(data: World, city_client: Client) -> None:
    response = city_client.get(reverse("dashboards:city"))

    html = response.content.decode()
    assert '<script id="dashboard-charts" type="application/json">' in html
    assert "<script>" not in html
    assert " style=" not in html
    payload = html.split('type="application/json">')[1].split("</script>")[0]
    ids = {chart["id"] for chart in json.loads(payload)}
    assert {"chart-progress", "chart-drill", "chart-methods", "chart-committees"} <= ids


def test_it_hides_another_county_and_refuses_the_township_the_county_page(
    data: World, county_a_client: Client, township_a1_client: Client, inspector_client: Client
) -> None:
    other = reverse("dashboards:county", args=[data.county_b.pk])
    own = reverse("dashboards:county", args=[data.county_a.pk])

    assert county_a_client.get(other).status_code == 404
    assert township_a1_client.get(own).status_code == 403
    assert inspector_client.get(own).status_code == 403
    b1 = reverse("dashboards:township", args=[data.township_b1.pk])
    assert township_a1_client.get(b1).status_code == 404


def test_it_sends_each_role_to_its_own_dashboard(
    data: World, client_for: Callable[[str], Client]
) -> None:
    home = reverse("dashboards:home")

    assert client_for("city").get(home).url == reverse("dashboards:city")
    assert client_for("county_a").get(home).url == reverse(
        "dashboards:county", args=[data.county_a.pk]
    )
    assert client_for("township_a1").get(home).url == reverse(
        "dashboards:township", args=[data.township_a1.pk]
    )


# Queries --------------------------------------------------------------------------------------


def grow(world: World, townships: int, villages: int) -> None:
    """More townships in county A, each with villages and elections, then refreshed."""
    for t in range(townships):
        township = TownshipFactory(
            county=world.county_a, code=f"{world.county_a.code}{100 + t:03d}", name=f"新镇{t}"
        )
        for v in range(villages):
            election = village_with_election(
                township=township,
                campaign=world.campaign,
                code=f"{township.code}{v + 1:03d}",
                name=f"新镇{t}村{v}",
            )
            if v % 2:
                complete(election, batch=1 + v % 3)
    campaign_figures_refresh(campaign=world.campaign)


PAGES = (
    ("dashboards:city", lambda w: []),
    ("dashboards:county", lambda w: [w.county_a.pk]),
    ("dashboards:township", lambda w: [w.township_a1.pk]),
    ("dashboards:village", lambda w: [w.village("a1").pk]),
    ("dashboards:daily_board", lambda w: [w.county_a.pk]),
    ("dashboards:weekly_board", lambda w: []),
)
MAX_QUERIES = 16


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_it_reads_a_bounded_number_of_queries_whatever_the_data(
    name: str,
    args: Callable,
    data: World,
    city_client: Client,
    django_assert_max_num_queries: Callable,
) -> None:
    url = reverse(name, args=args(data))
    city_client.get(url)  # the session and first-visit work are not the page's

    with django_assert_max_num_queries(MAX_QUERIES) as small:
        assert city_client.get(url).status_code == 200
    grow(data, townships=6, villages=8)
    with django_assert_max_num_queries(MAX_QUERIES) as large:
        assert city_client.get(url, {"batch": "1"}).status_code == 200
        # the growth must not change the count: it is not a function of the data
    assert len(large.captured_queries) <= len(small.captured_queries) + 1


def test_it_draws_a_line_per_township_from_the_daily_snapshots(
    world: World, county_a_client: Client
) -> None:
    # given: yesterday nothing was held, today A1's first election was
    today = timezone.localdate()
    snapshot_take(campaign=world.campaign, day=today - timedelta(days=1))
    complete(world.election("a1"))
    snapshot_take(campaign=world.campaign, day=today)
    campaign_figures_refresh(campaign=world.campaign)

    # when
    response = county_a_client.get(reverse("dashboards:county", args=[world.county_a.pk]))

    # then
    chart = next(c for c in response.context["charts"] if c["id"] == "chart-timeline")
    assert chart["categories"] == [str(today - timedelta(days=1)), str(today)]
    assert {s["name"]: s["data"] for s in chart["series"]} == {
        "甲一镇": [0.0, 50.0],
        "甲二镇": [0.0, 0.0],
    }
