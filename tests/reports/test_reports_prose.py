"""Part 1 of the report written from figures dicts: every number from the figures, and each
sentence adapting to them (increase / decrease / equal, no previous campaign, null figures,
claims made only when the figures support them)."""

from decimal import Decimal

import pytest
from django.utils import translation

from reports.prose import Section, number, part_one

# As compute_figures stores them in JSON: Decimals as strings.
FIGURES = {
    "previous_campaign": "2010年",
    "townships": 91,
    "villages": 1664,
    "elections_total": 1664,
    "elections_completed": 1661,
    "elections_postponed": 3,
    "completion_rate": "99.8",
    "method_public_direct": 1517,
    "method_public_direct_share": "91.3",
    "method_two_nominations": 141,
    "method_two_nominations_share": "8.5",
    "method_conventional": 3,
    "method_conventional_share": "0.2",
    "petitions_to_city": 32,
    "petitions_to_city_previous": 53,
    "petitions_to_city_share_of_previous": "60.4",
    "petitions_group_visits_to_city": 0,
    "members": 7423,
    "members_mean_age": "43.3",
    "members_age_35_or_under": 1175,
    "members_age_35_or_under_share": "15.8",
    "members_age_45_or_under": 3525,
    "members_age_45_or_under_share": "47.5",
    "members_age_55_or_over": 1236,
    "members_age_55_or_over_share": "16.7",
    "members_postgraduates": 26,
    "members_postgraduates_previous": 7,
    "members_postgraduates_change_people": 19,
    "members_bachelors": 808,
    "members_bachelors_share": "10.9",
    "members_college_or_above": 2350,
    "members_college_or_above_share": "31.7",
    "members_women": 1970,
    "committees": 1661,
    "committees_without_woman": 0,
    "committees_with_women_director": 1661,
    "committees_with_women_director_share": "100.0",
    "members_source_local_capable": 4148,
    "members_source_veteran": 502,
    "members_source_returnee": 450,
    "members_source_graduate_official": 410,
    "members_source_dispatched": 539,
    "members_source_other": 1374,
    "secretaries": 1659,
    "secretaries_strong_two": 1629,
    "secretaries_strong_two_share": "98.2",
    "secretaries_college_or_above": 639,
    "secretaries_college_or_above_share": "38.5",
    "secretaries_mean_age": "43.3",
    "secretaries_age_45_or_under": 780,
    "secretaries_age_45_or_under_share": "47.0",
    "secretaries_source_veteran": 148,
    "secretaries_source_graduate_official": 45,
    "secretaries_source_dispatched": 132,
    "rural_secretaries": 1412,
    "rural_secretaries_mean_age": "43.5",
    "rural_secretaries_age_40_or_under": 305,
    "rural_secretaries_age_40_or_under_share": "21.6",
    "rural_secretaries_age_41_to_54": 943,
    "rural_secretaries_age_41_to_54_share": "66.8",
    "rural_secretaries_age_55_or_over": 164,
    "rural_secretaries_age_55_or_over_share": "11.6",
    "rural_secretaries_age_55_or_over_previous": 458,
    "rural_secretaries_age_55_or_over_change_percent": "-64.2",
    "rural_secretaries_new": 288,
    "rural_secretaries_new_share": "20.4",
    "rural_secretaries_new_mean_age": "40.5",
    "rural_secretaries_local_or_returnee": 1079,
    "rural_secretaries_local_or_returnee_share": "76.4",
    "rural_secretaries_local_or_returnee_share_previous": "61.9",
    "rural_secretaries_local_or_returnee_change_points": "14.5",
    "rural_secretaries_strong_and_leading": 1384,
    "rural_secretaries_strong_and_leading_share": "98.0",
    "rural_secretaries_strong_and_leading_share_previous": "86.8",
    "rural_secretaries_strong_and_leading_change_points": "11.2",
    "measures_training_sessions": 0,
    "measures_people_trained": 0,
}
NO_PREVIOUS = {
    key: None
    for key in FIGURES
    if key.endswith(("_previous", "_change_people", "_change_percent", "_change_points"))
    or key.startswith(("rural_secretaries_new", "petitions_to_city_share"))
} | {"previous_campaign": None}


def text(figures: dict, scope: str = "全市") -> str:
    return "\n".join(
        p for section in part_one(figures, scope_name=scope) for p in section.paragraphs
    )


def test_it_writes_the_opening_and_five_sections_with_the_seeds_titles():
    sections = part_one(FIGURES, scope_name="全市")
    assert all(isinstance(s, Section) for s in sections)
    assert [s.title[:2] for s in sections] == ["", "一、", "二、", "三、", "四、", "五、"]
    assert sections[2].title == "二、圆满实现各项目标要求，村(社区)党组织班子结构得到了新优化"
    assert sections[0].paragraphs == [
        "全市辖91个乡镇(街道)，1664个村(社区)。截至目前，共有1661个村(社区)党组织如期完成换届选举，"
        "3个村(社区)因故延期换届，完成换届率99.8%。总体上看，全市村(社区)党组织集中换届工作平稳有序推进。"
    ]


def test_it_writes_the_seeds_sentences_with_the_figures_numbers():
    written = text(FIGURES)
    for sentence in (
        "据统计，目前已完成换届的1661个村(社区)中，1517个村采取了“公推直选”方式，占91.3%；"
        "141个村采取“两推一选”方式，占8.5%；3个村采取了常规选举方式，占0.2%。",
        "换届中市级共受理群众来信、来电和来访32件次，是上届信访量的60.4%，没有发生过到市10人以上集访事件。",
        "本次换届共选举产生村(社区)党组织领导班子成员7423名，平均年龄43.3岁，其中35岁以下的1175名，"
        "占总数的15.8%；45岁以下的3525名，占总数的47.5%；55岁以上的1236名，占总数的16.7%，"
        "实现了以45岁左右为主体、老中青相结合的村(社区)党组织班子年龄梯次的换届目标。",
        "新一届班子成员的学历层次较上届有所提高，其中研究生26名，比上届增加19名，大学本科808名，"
        "占总数的10.9%，大专以上学历的共有2350名，占总数的31.7%。",
        "新一届村(社区)党组织书记平均年龄43.3岁，其中45岁以下的780名，占总数的47%。",
        "55岁以上的164名，比上届降低了64.2%，村党组织书记队伍年龄老化的问题得到了有效控制。",
        "其中新任村书记288名，占全市村党组织书记的20.4%，平均年龄40.5岁，为农村带头人队伍输送了一批新鲜血液。",
        "“双强双带”型带头人占全市村党组织书记的98%，比上届提高了11.2个百分点，"
        "“双强双带”型农村党组织书记队伍进一步壮大。",
    ):
        assert sentence in written


def test_numbers_from_decimals_and_from_strings_print_alike():
    as_decimals = {k: Decimal(v) if isinstance(v, str) and k != "previous_campaign" else v
                   for k, v in FIGURES.items()}  # fmt: skip
    assert text(as_decimals) == text(FIGURES)
    assert [number(Decimal(v)) for v in ("47.0", "100.0", "43.3", "-64.2", "0.0")] == [
        "47", "100", "43.3", "64.2", "0"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            19,
            "新一届班子成员的学历层次较上届有所提高，其中研究生26名，比上届增加19名，大学本科808名",
        ),
        (-3, "新一届班子成员中，研究生26名，比上届减少3名，大学本科808名"),
        (0, "新一届班子成员中，研究生26名，与上届持平，大学本科808名"),
    ],
)
def test_a_change_in_people_reads_up_down_or_the_same(change, expected):
    assert expected in text(FIGURES | {"members_postgraduates_change_people": change})


@pytest.mark.parametrize(
    ("change", "expected", "controlled"),
    [
        ("-64.2", "55岁以上的164名，比上届降低了64.2%", True),
        ("10.5", "55岁以上的164名，比上届增加了10.5%", False),
        ("0.0", "55岁以上的164名，与上届持平", False),
    ],
)
def test_a_change_in_percent_of_the_old_value_reads_up_down_or_the_same(
    change, expected, controlled
):
    written = text(FIGURES | {"rural_secretaries_age_55_or_over_change_percent": change})
    assert expected in written
    assert ("年龄老化的问题得到了有效控制" in written) is controlled


@pytest.mark.parametrize(
    ("points", "expected", "grown"),
    [
        ("11.2", "占全市村党组织书记的98%，比上届提高了11.2个百分点", True),
        ("-2.5", "占全市村党组织书记的98%，比上届降低了2.5个百分点", False),
        ("0.0", "占全市村党组织书记的98%，与上届持平", False),
    ],
)
def test_a_change_in_points_reads_up_down_or_the_same(points, expected, grown):
    written = text(FIGURES | {"rural_secretaries_strong_and_leading_change_points": points})
    assert expected in written
    assert ("书记队伍进一步壮大" in written) is grown
    assert ("“双强双带”(领导发展能力强" in written) is grown


def test_local_capable_and_returnees_change_in_points_has_its_own_sign():
    written = text(FIGURES | {"rural_secretaries_local_or_returnee_change_points": "-1.0"})
    assert "属于本地致富带富能人和返乡创业人员的共1079名，占76.4%，比上届降低了1个百分点" in written


def test_without_a_previous_campaign_nothing_is_compared():
    written = text(FIGURES | NO_PREVIOUS)
    assert "上届" not in written
    assert "新任" not in written
    # The share stands where the comparison was.
    assert "55岁以上的164名，占11.6%" in written
    assert "新一届班子成员中，研究生26名，大学本科808名" in written
    assert "换届中市级共受理群众来信、来电和来访32件次，没有发生过到市10人以上集访事件。" in written
    assert "属于本地致富带富能人和返乡创业人员的共1079名，占76.4%；" in written


def test_a_null_figure_drops_its_sentence_or_clause():
    written = text(
        FIGURES
        | {
            "petitions_to_city": None,
            "members_mean_age": None,
            "rural_secretaries_mean_age": None,
            "members_bachelors": None,
            "townships": None,
        }
    )
    assert "信访" not in written and "件次" not in written
    assert "本次换届共选举产生村(社区)党组织领导班子成员7423名，其中35岁以下的1175名" in written
    assert "村党组织书记平均年龄" not in written and "40岁以下的305名" not in written
    assert (
        "大学本科" not in written
        and "研究生26名，比上届增加19名，大专以上学历的共有2350名" in written
    )
    assert "辖" not in written and written.startswith("截至目前，共有1661个")


def test_a_campaign_with_nothing_elected_yet_says_only_what_it_has():
    empty = {"elections_total": 5, "elections_completed": 0, "elections_postponed": 0,
             "completion_rate": "0.0", "members": 0, "committees": 0, "secretaries": 0,
             "rural_secretaries": 0, "members_women": 0, "committees_without_woman": 0}  # fmt: skip
    written = text(empty)
    assert "截至目前，共有0个村(社区)党组织如期完成换届选举，完成换届率0%。" in written
    for claim in ("实现了", "据统计", "成员0名", "书记中", "新任", "圆满"):
        assert claim not in written


def test_the_women_claims_are_made_only_when_every_committee_meets_them():
    both = text(FIGURES)
    assert (
        "本届还选举产生女性委员1970名，实现了每个村(社区)党组织班子至少有1名女性委员、"
        "党员妇代会主任100%进村(社区)党组织班子的目标。"
    ) in both

    no_woman = text(FIGURES | {"committees_without_woman": 2})
    assert (
        "尚有2个村(社区)党组织班子没有女性委员，党员妇代会主任100%进村(社区)党组织班子。"
        not in no_woman
    )
    assert "尚有2个村(社区)党组织班子没有女性委员" in no_woman
    assert "至少有1名女性委员" not in no_woman
    assert "圆满实现各项目标要求" not in no_woman

    directors = text(FIGURES | {"committees_with_women_director_share": "96.3"})
    assert (
        "实现了每个村(社区)党组织班子至少有1名女性委员的目标，党员妇代会主任进村(社区)党组织班子的占96.3%"
        in directors
    )
    assert "100%进" not in directors

    no_committee = text(FIGURES | {"committees": 0, "committees_with_women_director_share": None})
    assert "至少有1名女性委员" not in no_committee and "妇代会主任" not in no_committee


def test_the_middle_aged_claim_needs_a_middle_aged_majority_and_the_young_and_the_old():
    claim = "以45岁左右为主体、老中青相结合"
    assert claim in text(FIGURES)
    # 36-54 are 7423 - 3000 - 1236 = 3187, fewer than half.
    assert claim not in text(FIGURES | {"members_age_35_or_under": 3000})
    assert claim not in text(FIGURES | {"members_age_55_or_over": 0})


def test_two_terms_of_secretaries_about_45_need_the_previous_campaigns_band():
    claim = "连续两届保持了以45岁左右为主体的基层党组织书记队伍"
    assert claim not in text(FIGURES)
    previous = {"rural_secretaries_age_41_to_54_share_previous": "58.0"}
    assert f"其中45岁以下的780名，占总数的47%，{claim}。" in text(FIGURES | previous)
    previous = {"rural_secretaries_age_41_to_54_share_previous": "49.9"}
    assert claim not in text(FIGURES | previous)


def test_the_scope_name_stands_where_the_seed_says_the_city():
    written = text(FIGURES, scope="赣榆县")
    assert written.startswith("赣榆县辖91个乡镇(街道)")
    assert "占赣榆县村党组织书记的20.4%" in written
    assert "全市" not in written


def test_the_opening_says_completed_smoothly_only_when_every_election_is_done():
    done = FIGURES | {
        "elections_postponed": 0,
        "elections_completed": 1664,
        "completion_rate": "100.0",
    }
    written = text(done)
    assert "共有1664个村(社区)党组织如期完成换届选举，完成换届率100%。" in written
    assert "全市村(社区)党组织集中换届工作圆满平稳完成" in written
    assert "圆满平稳完成" not in text(FIGURES)


def test_group_visits_to_the_city_are_reported_when_there_were_some():
    written = text(FIGURES | {"petitions_group_visits_to_city": 2})
    assert "是上届信访量的60.4%，发生到市10人以上集访2起。" in written
    assert "没有发生" not in written


def test_training_is_reported_only_when_it_was_recorded():
    assert "培训" not in text(FIGURES)
    trained = text(FIGURES | {"measures_training_sessions": 12, "measures_people_trained": 1750})
    assert "换届后，全市组织新班子履职能力培训12场次，培训1750人次。" in trained


def test_the_report_is_chinese_whatever_language_is_active():
    with translation.override("en"):
        written = text(FIGURES)
    assert "本次换届共选举产生村(社区)党组织领导班子成员7423名" in written
