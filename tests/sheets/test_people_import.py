"""The people import's writing rules: committees follow the roster, unchanged rows stay put."""

import pytest

from accounts.models import User
from candidates.models import Candidacy, CommitteeMember, Person, Post
from candidates.resources import PeopleImporter
from tests.conftest import World
from tests.sheets.rosters import HEADERS, person


def _run(world: World, user: User, rows: list[dict]) -> object:
    cells = [HEADERS] + [[row[h] for h in HEADERS] for row in rows]
    return PeopleImporter(user=user, campaign=world.campaign).run(iter(cells))


def _elected(world: World, n: int, post: str, village: int = 0) -> dict:
    return person(world.village("a1", village), n, 候选阶段="当选", 选举结果="当选", 职务=post)


def _seats() -> set[tuple[str, str]]:
    return set(CommitteeMember.objects.values_list("candidacy__person__name", "post"))


@pytest.mark.django_db
def test_a_second_roster_replaces_the_committee_of_its_villages_only(
    world: World, city: User
) -> None:
    # given: two villages' committees
    first = [_elected(world, 0, "书记"), _elected(world, 1, "委员"), _elected(world, 2, "书记", 1)]
    assert _run(world, city, first).ok

    # when: the first village's roster comes again, with a new post and one member gone
    outcome = _run(world, city, [_elected(world, 0, "委员"), _elected(world, 3, "书记")])

    # then: that committee is the new roster's; the other village's is untouched
    assert outcome.ok and (outcome.created, outcome.updated) == (1, 1)
    assert _seats() == {
        ("测试0", Post.MEMBER),
        ("测试3", Post.SECRETARY),
        ("测试2", Post.SECRETARY),
    }
    # 测试1 is still a candidate of the election, just no longer on its committee
    assert Candidacy.objects.filter(person__name="测试1").exists()


@pytest.mark.django_db
def test_re_importing_the_same_roster_changes_nothing(world: World, city: User) -> None:
    rows = [_elected(world, 0, "书记"), person(world.village("a1"), 1)]
    assert _run(world, city, rows).ok
    before = (
        list(Person.objects.order_by("pk").values_list("pk", "updated_at")),
        list(Candidacy.objects.order_by("pk").values_list("pk", "updated_at")),
        list(CommitteeMember.objects.order_by("pk").values_list("pk", "candidacy_id", "post")),
    )

    outcome = _run(world, city, rows)

    # then: counted as updates, but no row was rewritten (updated_at would move) or duplicated
    assert outcome.ok and (outcome.created, outcome.updated) == (0, 2)
    after = (
        list(Person.objects.order_by("pk").values_list("pk", "updated_at")),
        list(Candidacy.objects.order_by("pk").values_list("pk", "updated_at")),
        list(CommitteeMember.objects.order_by("pk").values_list("pk", "candidacy_id", "post")),
    )
    assert after == before


@pytest.mark.django_db
def test_a_changed_cell_updates_that_row_only(world: World, city: User) -> None:
    rows = [person(world.village("a1"), 0), person(world.village("a1"), 1)]
    assert _run(world, city, rows).ok
    untouched = Person.objects.get(name="测试1").updated_at

    rows[0]["联系电话"] = "13900000000"
    rows[0]["学历"] = "本科"
    assert _run(world, city, rows).ok

    changed = Person.objects.get(phone="13900000000")
    assert changed.candidacies.get().education == "bachelor"
    assert Person.objects.get(name="测试1").updated_at == untouched


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "value", "stored"),
    [
        ("姓名", "改名", lambda c: c.person.name),
        ("民族", "回族", lambda c: c.person.ethnicity),
        ("入党时间", "2001.07", lambda c: str(c.person.party_joined)),
        ("联系电话", "13900000000", lambda c: c.person.phone),
        ("学历", "本科", lambda c: c.education),
        ("来源", "返乡创业人员", lambda c: c.source),
        ("是否双强", "否", lambda c: c.strong_two),
        ("是否双带", "是", lambda c: c.lead_two),
        ("是否妇代会主任", "是", lambda c: c.women_director),
        ("职务", "副书记", lambda c: c.post_sought),
        ("候选阶段", "预备人选", lambda c: c.stage),
    ],
)  # fmt: skip
def test_each_cell_changed_alone_is_written_on_the_next_import(
    world: World, city: User, header: str, value: str, stored: object
) -> None:
    """Each column the import sets, changed alone, counts as a change (on PostgreSQL the
    rows that change nothing are left out before the writing: this holds that comparison
    to every column)."""
    rows = [person(world.village("a1"), 0), person(world.village("a1"), 1)]
    assert _run(world, city, rows).ok
    before = stored(Candidacy.objects.get(person__name="测试1"))
    other = Candidacy.objects.select_related("person").get(person__name="测试0")

    rows[1][header] = value
    assert _run(world, city, rows).ok

    changed = Candidacy.objects.get(person__id_number=rows[1]["公民身份号码"])
    assert stored(changed) != before
    assert Candidacy.objects.get(pk=other.pk).updated_at == other.updated_at  # left alone
    assert Person.objects.get(pk=other.person_id).updated_at == other.person.updated_at


@pytest.mark.django_db
def test_every_error_of_a_row_is_reported_in_column_order(world: World, city: User) -> None:
    row = person(
        world.village("a1"), 0, 性别="女", 学历="幼儿园", 联系电话="12345", 选举结果="落选"
    )
    row["公民身份号码"] = row["公民身份号码"][:-1] + (
        "0" if row["公民身份号码"][-1] != "0" else "1"
    )

    outcome = _run(world, city, [person(world.village("a1"), 1), row])

    assert [(e.row, e.column) for e in outcome.errors] == [
        (3, "公民身份号码"),
        (3, "学历"),
        (3, "选举结果"),
        (3, "联系电话"),
    ]
    assert Person.objects.count() == 0


def test_the_template_offers_the_education_levels_in_the_forms_words() -> None:
    """One word for each level across the template, its exports, the forms and the report
    (大学本科, as the user's report writes it): the sheet's list is the forms' labels."""
    from django.utils import translation

    from candidates.models import Education
    from candidates.resources import EDUCATIONS

    with translation.override("zh-hans"):
        shown = {str(label): value for value, label in Education.choices}
    assert shown == EDUCATIONS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "level"),
    [
        ("本科", "bachelor"),
        ("中专及高中", "secondary"),
        ("大学本科", "bachelor"),
        ("高中", "secondary"),
    ],
)
def test_the_labels_of_older_templates_still_import(
    world: World, city: User, typed: str, level: str
) -> None:
    outcome = _run(world, city, [person(world.village("a1"), 0, 学历=typed)])

    assert outcome.ok
    assert Candidacy.objects.get().education == level


@pytest.mark.django_db
def test_the_elections_given_people_are_under_way(world: World, city: User) -> None:
    """As when a township registers a nominee on its page: 未启动 becomes 进行中; elections
    further on, and those the file does not name, keep their status."""
    from elections.models import Election, ElectionStatus

    first, done, other = world.election("a1", 0), world.election("a1", 1), world.election("a2")
    Election.objects.update(status=ElectionStatus.NOT_STARTED)
    Election.objects.filter(pk=done.pk).update(
        status=ElectionStatus.POSTPONED, postponement_reason="村“两委”班子调整"
    )
    rows = [person(first.branch.village, 0), person(done.branch.village, 1)]

    assert _run(world, city, [*rows, person(first.branch.village, 2)]).ok

    status = dict(Election.objects.values_list("pk", "status"))
    assert status[first.pk] == ElectionStatus.IN_PROGRESS
    assert status[done.pk] == ElectionStatus.POSTPONED
    assert status[other.pk] == ElectionStatus.NOT_STARTED
