"""visible_to(user): the one definition of what each persona may see (style.md rule 12).

The world (tests/conftest.py): counties A and B; townships A1, A2 (county A), B1, B2
(county B); two villages per township, each with a branch and an election in the current
campaign. The inspector's group is assigned township A1 only.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from elections.models import Branch, Campaign, County, Election, Township, Village
from tests.conftest import World
from tests.factories import CampaignFactory, CityUserFactory, InspectionGroupFactory

# Which townships each persona's region covers.
REGION = {
    "city": ("a1", "a2", "b1", "b2"),
    "county_a": ("a1", "a2"),
    "township_a1": ("a1",),
    "township_b1": ("b1",),
    "inspector": ("a1",),
    "no_role": (),
}
COUNTIES = {
    "city": ("a", "b"),
    "county_a": ("a",),
    "township_a1": ("a",),
    "township_b1": ("b",),
    "inspector": ("a",),
    "no_role": (),
}


def townships(world: World, keys: tuple[str, ...]) -> set[Township]:
    return {getattr(world, f"township_{key}") for key in keys}


def elections(world: World, keys: tuple[str, ...]) -> set[Election]:
    return {election for key in keys for election in world.elections[key]}


@pytest.mark.parametrize("persona", REGION)
def test_it_shows_each_persona_the_townships_of_its_region(
    persona: str, world: World, users: dict[str, User]
) -> None:
    seen = Township.objects.visible_to(users[persona])

    assert set(seen) == townships(world, REGION[persona])


@pytest.mark.parametrize("persona", COUNTIES)
def test_it_shows_each_persona_the_counties_of_its_region(
    persona: str, world: World, users: dict[str, User]
) -> None:
    seen = County.objects.visible_to(users[persona])

    assert list(seen) == [getattr(world, f"county_{key}") for key in COUNTIES[persona]]


@pytest.mark.parametrize("persona", REGION)
def test_it_shows_each_persona_the_villages_of_its_region(
    persona: str, world: World, users: dict[str, User]
) -> None:
    seen = Village.objects.visible_to(users[persona])

    assert set(seen) == world.villages_of(*REGION[persona])


@pytest.mark.parametrize("persona", REGION)
def test_it_shows_each_persona_the_branches_of_its_region(
    persona: str, world: World, users: dict[str, User]
) -> None:
    seen = Branch.objects.visible_to(users[persona])

    assert set(seen) == {e.branch for e in elections(world, REGION[persona])}


@pytest.mark.parametrize("persona", REGION)
def test_it_shows_each_persona_the_elections_of_its_region(
    persona: str, world: World, users: dict[str, User]
) -> None:
    seen = Election.objects.visible_to(users[persona])

    assert set(seen) == elections(world, REGION[persona])


@pytest.mark.parametrize("persona", ["city", "county_a", "township_a1", "township_b1", "inspector"])
def test_it_shows_every_campaign_to_every_user_with_a_role(
    persona: str, world: World, users: dict[str, User]
) -> None:
    earlier = CampaignFactory(name="2021年集中换届")

    seen = Campaign.objects.visible_to(users[persona])

    assert set(seen) == {world.campaign, earlier}


SCOPED_MODELS = [County, Township, Village, Branch, Election, Campaign]


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_it_shows_a_user_without_a_role_nothing(model: type, no_role: User) -> None:
    assert not model.objects.visible_to(no_role).exists()


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("persona", ["city", "county_a", "township_a1", "inspector"])
def test_it_shows_an_inactive_user_nothing(
    model: type, persona: str, users: dict[str, User]
) -> None:
    # A deactivated official keeps role and region in the database; neither may still count.
    user = users[persona]
    user.is_active = False
    user.save()

    assert not model.objects.visible_to(user).exists()


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_it_shows_a_superuser_without_a_role_everything(model: type, world: World) -> None:
    superuser = CityUserFactory(role="", is_superuser=True)

    assert model.objects.visible_to(superuser).count() == model.objects.count()


def test_it_shows_an_inspector_each_county_once_however_many_townships_it_covers(
    world: World, inspector: User
) -> None:
    # given: the group now covers both townships of county A
    world.inspection_group.townships.add(world.township_a2)

    # then: the join through townships must not repeat county A
    assert list(County.objects.visible_to(inspector)) == [world.county_a]
    assert set(Township.objects.visible_to(inspector)) == {world.township_a1, world.township_a2}


def test_it_shows_an_inspector_nothing_of_another_groups_townships(
    world: World, inspector: User
) -> None:
    InspectionGroupFactory(name="第二督查指导组", townships=[world.township_b1])

    assert set(Village.objects.visible_to(inspector)) == world.villages_of("a1")


# Views: out-of-region objects are 404 (healthchecks' test_it_checks_ownership); inspectors
# get 403 on every write (test_it_requires_rw_access).

WRITE_URLS = {
    "village_edit": lambda w, key: reverse("elections:village_edit", args=[w.village(key).pk]),
    "election_edit": lambda w, key: reverse("elections:election_edit", args=[w.election(key).pk]),
    "village_create": lambda w, key: (
        reverse("elections:village_create") + f"?township={getattr(w, f'township_{key}').pk}"
    ),
}


@pytest.mark.parametrize("view", ["village_detail", "village_edit"])
def test_it_checks_ownership_of_another_townships_village(
    view: str, world: World, township_a1_client: Client
) -> None:
    url = reverse(f"elections:{view}", args=[world.village("a2").pk])

    assert township_a1_client.get(url).status_code == 404
    assert township_a1_client.post(url, {"name": "改名村"}).status_code == 404
    assert Village.objects.get(pk=world.village("a2").pk).name != "改名村"


def test_it_checks_ownership_of_another_townships_election(
    world: World, township_a1_client: Client
) -> None:
    # given: an election of the other county
    election = world.election("b1")
    url = reverse("elections:election_edit", args=[election.pk])

    # when
    get = township_a1_client.get(url)
    post = township_a1_client.post(url, {"status": "in_progress", "method": "public_direct"})

    # then: indistinguishable from an election that does not exist, and unchanged
    assert get.status_code == post.status_code == 404
    assert (
        township_a1_client.get(reverse("elections:election_edit", args=[99999])).status_code == 404
    )
    election.refresh_from_db()
    assert election.status == "not_started"


def test_it_checks_ownership_of_another_townships_election_row(
    world: World, township_a1_client: Client
) -> None:
    url = reverse("elections:election_row", args=[world.election("a2").pk])

    assert township_a1_client.get(url).status_code == 404


def test_it_does_not_create_a_village_in_another_township(
    world: World, township_a1_client: Client
) -> None:
    url = reverse("elections:village_create") + f"?township={world.township_b1.pk}"
    data = {"code": "320102001099", "name": "越权村", "kind": "rural", "branch_kind": "branch"}

    response = township_a1_client.post(data=data | {"seats": 3, "party_members": 10}, path=url)

    assert response.status_code == 404
    assert not Village.objects.filter(code="320102001099").exists()


@pytest.mark.parametrize("view", WRITE_URLS)
def test_it_requires_rw_access_to_open_an_edit_form(
    view: str, world: World, inspector_client: Client
) -> None:
    # The village is in the inspector's own township: visible, but read only.
    response = inspector_client.get(WRITE_URLS[view](world, "a1"))

    assert response.status_code == 403


@pytest.mark.parametrize("view", WRITE_URLS)
def test_it_requires_rw_access_to_save(view: str, world: World, inspector_client: Client) -> None:
    # given
    data = {
        "status": "postponed",
        "postponement_reason": "督查组改的",
        "method": "public_direct",
        "mode": "direct",
        "batch": 1,
        "code": "320101001099",
        "name": "督查村",
        "kind": "rural",
        "party_members": 10,
        "grade": "middle",
        "branch_kind": "branch",
        "seats": 3,
    }

    # when
    response = inspector_client.post(WRITE_URLS[view](world, "a1"), data)

    # then
    assert response.status_code == 403
    assert not Election.objects.filter(status="postponed").exists()
    assert not Village.objects.filter(name="督查村").exists()


def test_it_keeps_an_inspector_out_of_villages_outside_its_townships(
    world: World, inspector_client: Client
) -> None:
    # 404, not 403: outside its townships the inspector may not even learn the village exists.
    url = reverse("elections:village_detail", args=[world.village("a2").pk])

    assert inspector_client.get(url).status_code == 404
    assert inspector_client.get(WRITE_URLS["village_edit"](world, "a2")).status_code == 404


def test_it_lists_for_an_inspector_only_the_villages_of_its_townships(
    world: World, inspector_client: Client
) -> None:
    response = inspector_client.get(reverse("elections:village_list"))

    assert response.status_code == 200
    listed = {election.branch.village for election in response.context["page"]}
    assert listed == world.villages_of("a1")
    # Read only: no edit buttons, no "add a village".
    assert not response.context["can_add_village"]
    assert reverse("elections:election_edit", args=[world.election("a1").pk]) not in (
        response.content.decode()
    )


def test_it_lists_for_an_inspector_only_its_townships_in_the_filter(
    world: World, inspector_client: Client
) -> None:
    response = inspector_client.get(reverse("elections:village_list"))

    assert list(response.context["townships"]) == [world.township_a1]


def test_it_ignores_a_township_filter_outside_the_users_region(
    world: World, township_a1_client: Client
) -> None:
    # The filter narrows the visible rows; it must never widen them.
    response = township_a1_client.get(
        reverse("elections:village_list"), {"township": world.township_b1.pk}
    )

    assert response.status_code == 200
    assert list(response.context["page"]) == []


def test_it_shows_the_county_progress_of_a_township_user_only_for_its_township(
    world: World, client_for: Callable[[str], Client]
) -> None:
    response = client_for("township_a1").get(
        reverse("elections:county_progress", args=[world.county_a.pk])
    )

    assert [row.region for row in response.context["rows"]] == [world.township_a1]
    assert response.context["total"].total == 2


def test_it_shows_a_township_user_the_county_its_township_belongs_to(
    world: World, township_a1: User
) -> None:
    # given: the user record's county copy disagrees with its township (the township was moved,
    # or the user was saved without User.clean(), e.g. from a shell or an import)
    township_a1.county = world.county_b
    township_a1.save()

    # then: the region is defined by the township alone, as for every other model
    assert list(County.objects.visible_to(township_a1)) == [world.county_a]
    assert set(Village.objects.visible_to(township_a1)) == world.villages_of("a1")
