"""Every change through the pages is logged with who made it; only the city reads the log."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from accounts.models import User
from elections.models import Election, Village
from tests.conftest import World

AUDIT_LOG = reverse("accounts:audit_log")


def entries_for(obj: object) -> list[LogEntry]:
    content_type = ContentType.objects.get_for_model(obj)
    return list(LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk)))


@pytest.fixture
def edited(world: World, township_a1_client: Client) -> Election:
    """An election a township official postponed through the edit page."""
    election = world.election("a1")
    response = township_a1_client.post(
        reverse("elections:election_edit", args=[election.pk]),
        {
            "status": "postponed",
            "postponement_reason": "村党组织书记人选待定",
            "method": "public_direct",
            "mode": "direct",
            "batch": "2",
        },
    )
    assert response.status_code == 302
    return election


def test_it_logs_an_election_edit_with_the_user_who_made_it(
    edited: Election, township_a1: User
) -> None:
    # then: one update entry, made by the official, with the old and new values
    (entry,) = [e for e in entries_for(edited) if e.action == LogEntry.Action.UPDATE]
    assert entry.actor == township_a1
    changes = entry.changes_dict
    assert changes["status"] == ["not_started", "postponed"]
    assert changes["batch"] == ["1", "2"]
    assert changes["postponement_reason"][1] == "村党组织书记人选待定"


def test_it_logs_a_village_edit_with_the_user_who_made_it(
    world: World, county_a: User, county_a_client: Client
) -> None:
    village = world.village("a2")

    county_a_client.post(
        reverse("elections:village_edit", args=[village.pk]),
        {"name": "新名村", "kind": "rural", "party_members": "30", "grade": "weak"},
    )

    village = Village.objects.get(pk=village.pk)
    assert village.name == "新名村"
    (entry,) = [e for e in entries_for(village) if e.action == LogEntry.Action.UPDATE]
    assert entry.actor == county_a
    assert entry.changes_dict["name"][1] == "新名村"


def test_it_logs_a_village_creation_with_the_user_who_made_it(
    world: World, township_a1: User, township_a1_client: Client
) -> None:
    township_a1_client.post(
        reverse("elections:village_create") + f"?township={world.township_a1.pk}",
        {
            "code": "320101001077",
            "name": "新设村",
            "kind": "community",
            "party_members": "12",
            "grade": "middle",
            "branch_kind": "branch",
            "seats": "3",
        },
    )

    village = Village.objects.get(code="320101001077")
    created = [e for e in entries_for(village) if e.action == LogEntry.Action.CREATE]
    assert [e.actor for e in created] == [township_a1]
    # The branch and its election, created in the same service call, are logged too.
    election = Election.objects.get(branch__village=village)
    assert [e.actor for e in entries_for(election)] == [township_a1]


def test_it_lists_the_change_for_the_city(edited: Election, city_client: Client) -> None:
    # when
    response = city_client.get(AUDIT_LOG)

    # then
    assert response.status_code == 200
    listed = list(response.context["page"])
    entry = next(e for e in listed if e.object_pk == str(edited.pk) and e.action == 1)
    assert entry.actor.username == "township_a1"
    html = response.content.decode()
    assert "township_a1" in html
    assert "村党组织书记人选待定" in html


def test_it_shows_each_change_as_officials_read_it(edited: Election, city_client: Client) -> None:
    html = city_client.get(AUDIT_LOG).content.decode()

    # the action, the fields' Chinese names and a closed list's label, not their codes
    assert "修改" in html
    assert "<strong>状态</strong>：未启动 → 延期" in html
    assert "<strong>延期原因</strong>：— → 村党组织书记人选待定" in html
    for code in ("postponement_reason", "postponed", ">update<", "None"):
        assert code not in html


def test_the_export_says_the_same(edited: Election, city_client: Client) -> None:
    from tests.sheets.test_exports import sheet_of

    sheet = sheet_of(city_client.get(reverse("accounts:audit_log_export")))
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    change = next(row for row in rows if row[4] == "换届选举" and row[3] == "修改")

    assert "状态：未启动 → 延期；" in change[6]
    assert "延期原因：— → 村党组织书记人选待定" in change[6]
    assert "postponement_reason" not in change[6]


def test_it_lists_the_newest_change_first(edited: Election, city_client: Client) -> None:
    response = city_client.get(AUDIT_LOG)

    timestamps = [entry.timestamp for entry in response.context["page"]]
    assert timestamps == sorted(timestamps, reverse=True)


@pytest.mark.parametrize("persona", ["county_a", "township_a1", "inspector", "no_role"])
def test_it_keeps_the_audit_log_from_everyone_but_the_city(
    persona: str, edited: Election, client_for
) -> None:
    # The log shows changes across the whole city: a county may not read other counties'.
    response = client_for(persona).get(AUDIT_LOG)

    assert response.status_code == 403


def test_it_logs_nothing_for_a_refused_edit(world: World, inspector_client: Client) -> None:
    election = world.election("a1")
    before = LogEntry.objects.count()

    inspector_client.post(
        reverse("elections:election_edit", args=[election.pk]),
        {"status": "in_progress", "method": "public_direct", "mode": "direct", "batch": "1"},
    )

    assert LogEntry.objects.count() == before


def test_the_city_administrators_group_may_manage_campaigns_in_the_admin(
    city: User, city_client: Client
) -> None:
    # given: the group made by accounts/migrations/0003, which seed_demo gives the city user
    from django.contrib.auth.models import Group

    city.groups.add(Group.objects.get(name="市委组织部管理员"))

    # then: the city staff reach the admin's campaigns and holidays, not only its index
    assert city_client.get(reverse("admin:elections_campaign_changelist")).status_code == 200
    assert city_client.get(reverse("admin:petitions_holiday_changelist")).status_code == 200


def test_it_reads_times_reveals_and_group_changes_as_officials_would() -> None:
    from accounts.exports import describe_changes, readable_changes
    from candidates.models import Person
    from dashboards.models import RegionFigures

    # django-auditlog writes a time in UTC without its offset; the page shows Beijing time
    assert readable_changes(
        RegionFigures, {"computed_at": ["None", "2026-11-28 00:49:53.123456"]}
    ) == [("计算时间", "—", "2026-11-28 08:49:53")]
    assert readable_changes(Person, {"phone": ["masked", "revealed"]}) == [
        ("联系电话", "已隐藏", "已显示完整信息")
    ]
    assert readable_changes(
        User, {"groups": {"type": "m2m", "operation": "add", "objects": ["市委组织部管理员"]}}
    ) == [("组", "", "添加：市委组织部管理员")]
    assert readable_changes(Election, {"locked": ["False", "True"]}) == [("结果已锁定", "否", "是")]
    assert describe_changes(Person, {"phone": ["None", "masked"]}) == "联系电话：— → 已隐藏"
    assert (
        describe_changes(
            User, {"groups": {"type": "m2m", "operation": "delete", "objects": ["甲"]}}
        )
        == "组：移除：甲"
    )


def test_it_names_a_group_change_made_from_the_group_and_an_imports_kind() -> None:
    from django.contrib.auth.models import Group

    from accounts.exports import readable_changes
    from sheets.models import ImportJob

    # group.user_set.add(user) logs the user's field name on the group
    assert readable_changes(
        Group, {"groups": {"type": "m2m", "operation": "add", "objects": ["city"]}}
    ) == [("用户", "", "添加：city")]
    # an import's kind by its title, not its code
    assert readable_changes(ImportJob, {"kind": ["None", "people"]}) == [("类型", "—", "人员名单")]


def test_it_names_the_rows_a_change_points_at_in_one_query_per_model(
    world: World, django_assert_num_queries: object
) -> None:
    from accounts.exports import readable_changes, related_names

    township_a1, township_a2 = world.township_a1, world.township_a2
    items = [
        (Village, {"township": [str(township_a1.pk), str(township_a2.pk)]}),
        (Village, {"township": ["None", str(township_a1.pk)]}),
    ]

    with django_assert_num_queries(1):
        names = related_names(items)

    assert readable_changes(*items[0], names) == [("乡镇(街道)", "甲一镇", "甲二镇")]
    assert readable_changes(*items[1], names) == [("乡镇(街道)", "—", "甲一镇")]
