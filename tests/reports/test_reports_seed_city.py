"""The seed's city (tests/reports/seed_city.py) gives the seed report's part-1 figures, and
part 1 written from them carries the seed's sentences with the seed's numbers."""

import time
from decimal import Decimal

import pytest

from reports.prose import part_one
from reports.statistics import compute_figures
from tests.factories import CityUserFactory
from tests.reports.seed_city import build_seed_city

# Written from the seed's text (上篇), not from the code. Where the seed prints "xx" or a
# figure it does not print follows from the seed's own counts, the comment says so.
SEED = {
    "elections_completed": 1661,
    "elections_postponed": 3,  # "xx个村(社区)…延期换届": 3 chosen
    "elections_total": 1664,
    "completion_rate": Decimal("99.8"),  # 1661 / 1664, from the choice above
    "method_public_direct": 1517,
    "method_public_direct_share": Decimal("91.3"),
    "method_two_nominations": 141,
    "method_two_nominations_share": Decimal("8.5"),
    "method_conventional": 3,
    "method_conventional_share": Decimal("0.2"),  # not printed: 3 / 1661
    "petitions_to_city": 32,
    "petitions_to_city_previous": 53,  # the closest to "60%": see seed_city.py
    "petitions_to_city_share_of_previous": Decimal("60.4"),
    "petitions_group_visits_to_city": 0,
    "members": 7423,
    "members_mean_age": Decimal("43.3"),
    "members_age_35_or_under": 1175,
    "members_age_35_or_under_share": Decimal("15.8"),
    "members_age_45_or_under": 3525,
    "members_age_45_or_under_share": Decimal("47.5"),
    "members_age_55_or_over": 1236,
    "members_age_55_or_over_share": Decimal("16.7"),
    "members_postgraduates": 26,
    "members_postgraduates_previous": 7,
    "members_postgraduates_change_people": 19,
    "members_bachelors": 808,
    "members_bachelors_share": Decimal("10.9"),
    "members_college_or_above": 2350,
    "members_college_or_above_share": Decimal("31.7"),
    "members_women": 1970,
    # "每个村(社区)党组织班子至少有1名女性委员、党员妇代会主任100%进村(社区)党组织班子"
    "committees": 1661,
    "committees_without_woman": 0,
    "committees_with_women_director": 1661,
    "committees_with_women_director_share": Decimal("100.0"),
    "members_source_local_capable": 4148,
    "members_source_veteran": 502,
    "members_source_returnee": 450,
    "members_source_graduate_official": 410,
    "members_source_dispatched": 539,
    "secretaries": 1659,
    "secretaries_strong_two": 1629,
    "secretaries_strong_two_share": Decimal("98.2"),
    "secretaries_college_or_above": 639,
    "secretaries_college_or_above_share": Decimal("38.5"),
    "secretaries_mean_age": Decimal("43.3"),
    "secretaries_age_45_or_under": 781,
    "secretaries_age_45_or_under_share": Decimal("47.1"),  # the seed rounds 47.08 to "47%"
    "secretaries_source_veteran": 148,
    "secretaries_source_graduate_official": 45,
    "secretaries_source_dispatched": 132,
    "rural_secretaries": 1412,
    "rural_secretaries_mean_age": Decimal("43.5"),
    "rural_secretaries_age_40_or_under": 305,
    "rural_secretaries_age_40_or_under_share": Decimal("21.6"),
    "rural_secretaries_age_41_to_54": 943,
    "rural_secretaries_age_41_to_54_share": Decimal("66.8"),
    "rural_secretaries_age_55_or_over": 164,
    "rural_secretaries_age_55_or_over_previous": 458,  # the only count giving −64.2%
    "rural_secretaries_age_55_or_over_change_percent": Decimal("-64.2"),
    "rural_secretaries_new": 288,
    "rural_secretaries_new_share": Decimal("20.4"),
    "rural_secretaries_new_mean_age": Decimal("40.5"),
    "rural_secretaries_local_or_returnee": 1079,
    "rural_secretaries_local_or_returnee_share": Decimal("76.4"),
    "rural_secretaries_local_or_returnee_change_points": Decimal("14.5"),
    "rural_secretaries_strong_and_leading_share": Decimal("98.0"),  # "98%"
    "rural_secretaries_strong_and_leading_change_points": Decimal("11.2"),
}

# Sentences (or their runs between two punctuation marks) of the seed's part 1, with its
# numbers; where the report must differ from the seed, the variant is in SEED_VARIANTS.
SEED_SENTENCES = [
    "完成换届率99.8%",
    "1661个村(社区)党组织如期完成换届选举",
    "目前已完成换届的1661个村(社区)中，1517个村采取了“公推直选”方式，占91.3%",
    "141个村采取“两推一选”方式，占8.5%",
    "3个村采取了常规选举方式",
    "换届中市级共受理群众来信、来电和来访32件次",
    "没有发生过到市10人以上集访",
    "共选举产生村(社区)党组织领导班子成员7423名，平均年龄43.3岁",
    "其中35岁以下的1175名，占总数的15.8%",
    "45岁以下的3525名，占总数的47.5%",
    "55岁以上的1236名，占总数的16.7%",
    "实现了以45岁左右为主体、老中青相结合的村(社区)党组织班子年龄梯次的换届目标",
    "新一届班子成员的学历层次较上届有所提高",
    "研究生26名，比上届增加19名",
    "大学本科808名，占总数的10.9%",
    "大专以上学历的共有2350名，占总数的31.7%",
    "本届还选举产生女性委员1970名",
    "实现了每个村(社区)党组织班子至少有1名女性委员、党员妇代会主任100%进村(社区)党组织班子的目标",
    "选举产生的1659名村(社区)党组织书记中，属“双强”型的带头人1629名，占总数的98.2%",
    "大专以上学历的639名，占总数的38.5%",
    "新一届村(社区)党组织书记平均年龄43.3岁",
    "这次换届选举产生的1412名村党组织书记平均年龄43.5岁",
    "其中40岁以下的305名，占21.6%",
    "45岁左右的943名，占66.8%",
    "55岁以上的164名，比上届降低了64.2%",
    "其中新任村书记288名，占全市村党组织书记的20.4%，平均年龄40.5岁",
    "属于本地致富带富能人和返乡创业人员的共1079名，占76.4%，比上届提高了14.5个百分点",
    "“双强双带”型带头人占全市村党组织书记的98%，比上届提高了11.2个百分点",
    "本地致富带富能人4148名，优秀退伍转业军人502名，返乡创业人员450名，大学生村官410名，"
    "机关企事业单位派选人员539名",
    "除本地致富带富能人和返乡创业人员外，优秀退伍转业军人148名，大学生村官45名，"
    "机关企事业单位派选人员132名",
]
SEED_VARIANTS = {
    # The seed rounded to whole percent; the report prints one decimal (domain.md).
    "是上届信访量的60%": "是上届信访量的60.4%",
    "其中45岁以下的781名，占总数的47%": "其中45岁以下的781名，占总数的47.1%",
}


@pytest.fixture
def seed_city(db):
    started = time.monotonic()
    city = build_seed_city()
    city.build_seconds = time.monotonic() - started
    return city


def test_the_seed_city_gives_the_seeds_figures(seed_city):
    figures = compute_figures(campaign=seed_city.campaign, user=CityUserFactory())
    assert {key: figures[key] for key in SEED} == SEED
    # Bulk writes: about 3 s on an idle machine; row-by-row saves would take minutes.
    assert seed_city.build_seconds < 30


def test_part_one_of_the_seed_city_carries_the_seeds_sentences(seed_city):
    figures = compute_figures(campaign=seed_city.campaign, user=CityUserFactory())
    assert figures["townships"] == len(seed_city.townships)
    assert figures["villages"] == seed_city.villages
    text = "\n".join(
        paragraph for section in part_one(figures, scope_name="全市")
        for paragraph in section.paragraphs
    )  # fmt: skip
    missing = [s for s in [*SEED_SENTENCES, *SEED_VARIANTS.values()] if s not in text]
    assert missing == []
    assert not [s for s in SEED_VARIANTS if s in text]
    # compute_figures has no 2010 age bands of the secretaries: the claim waits for data.
    assert "连续两届" not in text


# Edges test_reports_statistics.py leaves open: members on both sides of 35/36 and 45/46 (it
# checks 35 and 45 from one side only), and a negative change ending in 5 at the second decimal.


def _committee(campaign, township, ages_and_births):
    from candidates.models import Candidacy, CommitteeMember, Education, Person, Post, Stage
    from elections.models import ElectionStatus
    from tests.factories import BranchFactory, ElectionFactory, VillageFactory

    election = ElectionFactory(
        campaign=campaign,
        branch=BranchFactory(village=VillageFactory(township=township)),
        status=ElectionStatus.COMPLETED,
    )
    for n, born in enumerate(ages_and_births):
        person = Person.objects.create(
            name=f"边{n}", gender="M", birth_date=born, township=township,
            id_number=f"E{election.pk:08d}{n:09d}",
        )  # fmt: skip
        candidacy = Candidacy.objects.create(
            person=person, election=election, education=Education.SECONDARY,
            stage=Stage.ELECTED, post_sought=Post.SECRETARY if n == 0 else Post.MEMBER,
        )  # fmt: skip
        CommitteeMember.objects.create(
            election=election, candidacy=candidacy, post=candidacy.post_sought
        )


def test_members_on_both_sides_of_35_and_45(db):
    from datetime import date

    from tests.factories import CampaignFactory, TownshipFactory
    from tests.reports.seed_city import birth_date

    reference = date(2013, 6, 30)
    campaign = CampaignFactory(reference_date=reference)
    township = TownshipFactory()
    # (age, 0): the birthday is the reference date; (age, 1): it is the day after.
    edges = [(45, 1), (46, 0), (35, 1), (36, 0), (35, 0), (45, 0), (55, 0), (54, 1)]
    _committee(campaign, township, [birth_date(age, reference, k) for age, k in edges])
    f = compute_figures(campaign=campaign, user=CityUserFactory())
    assert f["members_age_35_or_under"] == 2
    assert f["members_age_45_or_under"] == 5  # 45, 35, 36, 35, 45
    assert f["members_age_55_or_over"] == 1
    assert f["secretaries_age_45_or_under"] == 1  # the first seat: 45, the day before turning 46
    assert f["members_mean_age"] == Decimal("43.9")  # 351 / 8 = 43.875, half up


def test_a_fall_ending_in_5_at_the_second_decimal_rounds_away_from_zero():
    from reports.statistics import change_percent, change_points

    # 79 against 80 is −1.25%: "降低了1.3%", as the rise of 81 against 80 is 1.3%.
    assert change_percent(79, 80) == Decimal("-1.3")
    assert change_percent(81, 80) == Decimal("1.3")
    assert change_points(Decimal("61.9"), Decimal("76.4")) == Decimal("-14.5")
