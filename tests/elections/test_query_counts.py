"""Pinned query counts: the lists and progress tables cost the same with 5 or 60 villages.

A count that grows with the rows is an N+1 (a related object fetched per row). If a change
adds a query on purpose, update the pin and say why in the commit.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from elections.models import Campaign, County, Township
from tests.conftest import signed_in
from tests.factories import (
    CampaignFactory,
    CityUserFactory,
    CountyFactory,
    CountyUserFactory,
    TownshipFactory,
    TownshipUserFactory,
    village_with_election,
)

# Every page pays: session, user, the campaign chosen and the campaign picker (the session is
# renewed at most once a minute, so a steady page view writes nothing). base.html's navbar loads
# the user's own township or county. The rest is the page's own, listed in each test.
VILLAGE_LIST_QUERIES = 9
CITY_PROGRESS_QUERIES = 6
COUNTY_PROGRESS_QUERIES = 8

SIZES = [5, 60]


def populate(count: int, campaign: Campaign, townships: list[Township]) -> None:
    statuses = ["not_started", "in_progress", "completed", "postponed"]
    for number in range(count):
        village_with_election(
            township=townships[number % len(townships)],
            campaign=campaign,
            status=statuses[number % len(statuses)],
        )


@pytest.fixture
def region(db: None) -> dict:
    campaign = CampaignFactory()
    counties = [CountyFactory(code="320101"), CountyFactory(code="320102")]
    townships = [
        TownshipFactory(county=county, code=f"{county.code}{n:03d}")
        for county in counties
        for n in (1, 2)
    ]
    return {"campaign": campaign, "counties": counties, "townships": townships}


def warm(client: Client, url: str) -> None:
    # The first request after force_login stamps the session's start time (an extra write);
    # pin the steady state every later page view pays.
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("villages", SIZES)
def test_it_lists_villages_in_a_fixed_number_of_queries(
    villages: int, region: dict, django_assert_num_queries
) -> None:
    # given: a township official with many villages, more than one page of them
    township = region["townships"][0]
    populate(villages, region["campaign"], [township])
    user: User = TownshipUserFactory(township=township)
    client = signed_in(user)
    url = reverse("elections:village_list")
    warm(client, url)

    # when / then: + the navbar's township, paginator count, one page of elections with their
    # villages and townships (select_related), townships for the filter (exists + list)
    with django_assert_num_queries(VILLAGE_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["page"]) == min(villages, 50)


@pytest.mark.parametrize("villages", SIZES)
def test_it_builds_the_city_progress_in_a_fixed_number_of_queries(
    villages: int, region: dict, django_assert_num_queries
) -> None:
    # given
    populate(villages, region["campaign"], region["townships"])
    client = signed_in(CityUserFactory())
    url = reverse("elections:city_progress")
    warm(client, url)

    # when / then: + counties, one grouped count over all elections
    with django_assert_num_queries(CITY_PROGRESS_QUERIES):
        response = client.get(url)
    assert response.context["total"].total == villages


@pytest.mark.parametrize("villages", SIZES)
def test_it_builds_the_county_progress_in_a_fixed_number_of_queries(
    villages: int, region: dict, django_assert_num_queries
) -> None:
    # given
    county: County = region["counties"][0]
    populate(villages, region["campaign"], region["townships"][:2])
    client = signed_in(CountyUserFactory(county=county))
    url = reverse("elections:county_progress", args=[county.pk])
    warm(client, url)

    # when / then: + the county (access check), the navbar's county, townships, one grouped count
    with django_assert_num_queries(COUNTY_PROGRESS_QUERIES):
        response = client.get(url)
    assert response.context["total"].total == villages
