"""The demo city's risks, secretary adjustments, inspection visits and training sessions.

``build_oversight`` is a step of ``elections.demo.STEPS``: it runs after the regions,
campaigns, elections and users, and draws from its own random streams, so it changes nothing
that was built before it. Proportions come from the seed's report: 赣榆县 found 36 difficult
villages and 70-odd risks among 463 villages (about two risks a difficult village, most
resolved before the vote); 53 village secretaries were adjusted before the vote city-wide; 639
inspection groups made 2,787 inspections (about 4.4 a group); training was held by the city,
the counties and the townships, some with a closed-book exam.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from typing import TYPE_CHECKING

from accounts.models import InspectionGroup, User
from candidates.demo import name as person_name
from elections.models import Election, ElectionStatus, Township, Village
from oversight.models import (
    AdjustmentReason,
    InspectionVisit,
    Risk,
    RiskCategory,
    RiskLevel,
    RiskStatus,
    SecretaryAdjustment,
    TrainingLevel,
    TrainingSession,
)

if TYPE_CHECKING:
    from elections.demo import DemoCity

RISKS_PER_DIFFICULT_VILLAGE = (1, 2, 3)  # equally likely around two: 70-odd of 36 villages
ADJUSTED_SHARE = 53 / 1659  # 53 secretaries adjusted among 1,659 organizations
VISITS_PER_GROUP = 2787 / 639
VISIT_DAYS = (date(2026, 8, 5), date(2026, 11, 26))
SURVEY = (date(2026, 6, 1), date(2026, 7, 31))  # 调研摸底: before the campaign opens
LAST_DAY = date(2026, 11, 26)  # the demo's "today": nothing is dated after it

CATEGORY_WEIGHTS = {
    RiskCategory.CLAN: 4,
    RiskCategory.LAND: 4,
    RiskCategory.MONEY: 3,
    RiskCategory.DEMOLITION: 1,
    RiskCategory.DIVIDED: 3,
    RiskCategory.OTHER: 1,
}
LEVEL_WEIGHTS = {RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 1}
DESCRIPTIONS = {
    RiskCategory.CLAN: "{a}、{b}两姓在书记人选上分歧较大，有串联拉票苗头",
    RiskCategory.LAND: "村民小组之间土地承包调整纠纷，涉及{n}户群众",
    RiskCategory.MONEY: "村集体账目公开不及时，部分群众对往年工程款支付有意见",
    RiskCategory.DEMOLITION: "拆迁安置补偿尚未全部落实，{n}户群众多次反映",
    RiskCategory.DIVIDED: "村“两委”班子成员之间不团结，重点工作推进缓慢",
    RiskCategory.OTHER: "部分外出党员长期联系不上，党员大会到会人数难以保证",
}
PLANS = {
    RiskCategory.CLAN: "镇党委书记包村，逐户走访谈心，讲清换届纪律，严防宗族势力干扰",
    RiskCategory.LAND: "镇村联合调处，召开村民代表会议协商，依法确权",
    RiskCategory.MONEY: "先审计后选举，三资清理结果张榜公布，逐项答复群众疑问",
    RiskCategory.DEMOLITION: "会同拆迁办逐户核对补偿标准，限期兑现",
    RiskCategory.DIVIDED: "镇党委约谈班子成员，整顿后再行换届",
    RiskCategory.OTHER: "通过电话、微信逐一联系，无法联系的按程序报批",
}
REASON_WEIGHTS = {
    AdjustmentReason.WEAK: 5,
    AdjustmentReason.DISCIPLINE: 2,
    AdjustmentReason.HEALTH: 2,
    AdjustmentReason.AGE: 3,
    AdjustmentReason.OTHER: 1,
}
REASON_DETAILS = {
    AdjustmentReason.WEAK: "党组织软弱涣散，经整顿转化，选派能人任职",
    AdjustmentReason.DISCIPLINE: "原书记受党纪处分，不宜继续任职",
    AdjustmentReason.HEALTH: "原书记身体原因，本人申请辞去职务",
    AdjustmentReason.AGE: "原书记年龄偏大，不胜任现职",
    AdjustmentReason.OTHER: "原书记外出务工，长期不在村",
}
FINDINGS = (
    ("公推大会现场秩序良好，程序规范", ""),
    ("个别党员对资格审查程序了解不够", "镇党委组织专题解读，会前逐人告知"),
    ("候选人预备人选公示期不足3天", "重新公示，满3天后再召开党员大会"),
    ("选举会场未设秘密写票处", "会前按规定设置秘密写票处"),
    ("部分党员反映有拉票现象", "镇纪委立即调查核实，结果向党员公开"),
    ("“三资”清理台账不完整", "审计组补充清查，张榜公布后再选举"),
    ("党员直选大会组织有序，计票规范", ""),
    ("镇党委票决会记录不完整", "补齐会议记录并存档"),
)
CITY_TRAINING = (
    (date(2026, 8, 3), "全市村(社区)党组织换届选举工作业务培训"),
    (date(2026, 11, 26), "新任村(社区)党组织书记履职能力提升集中培训"),
)
COUNTY_TRAINING = "组织委员换届业务专题培训"
TOWNSHIP_TRAINING = "选举工作人员换届业务培训"
TRAINING_DAYS = (date(2026, 8, 3), date(2026, 9, 10))


def build_oversight(city: "DemoCity") -> None:
    """Risks in the difficult villages, secretaries adjusted before the vote, the groups'
    visits and the training of every level."""
    elections = {e.branch.village_id: e for e in city.elections if e.campaign_id == city.current.pk}
    _bulk(Risk, _risks(city.rng("risks"), city, elections))
    _bulk(SecretaryAdjustment, _adjustments(city.rng("adjustments"), city, elections))
    _bulk(InspectionVisit, _visits(city.rng("visits"), city))
    _bulk(TrainingSession, _training(city.rng("training"), city))


def _bulk(model: type, objects: list) -> list:
    from elections.demo import BATCH_SIZE

    return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


def _day(rng: random.Random, start: date, end: date) -> date:
    end = max(start, min(end, LAST_DAY))
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0].value


def _vote_day(election: Election | None) -> date | None:
    """The day the village voted, or the day it plans to; None if it has no date."""
    if election is None:
        return None
    return election.held_date or election.planned_date


# Risks ----------------------------------------------------------------------------------------


def _risks(rng: random.Random, city: "DemoCity", elections: dict[int, Election]) -> list[Risk]:
    risks = []
    for village in (v for v in city.villages if v.is_difficult):
        election = elections.get(village.pk)
        for _ in range(rng.choice(RISKS_PER_DIFFICULT_VILLAGE)):
            risks.append(_risk(rng, city, village, election))
    return risks


def _risk(rng: random.Random, city: "DemoCity", village: Village, election: Election) -> Risk:
    category = _weighted(rng, CATEGORY_WEIGHTS)
    found = _day(rng, *SURVEY)
    status, resolved = _outcome(rng, found, election)
    text = DESCRIPTIONS[RiskCategory(category)].format(
        a=person_name(rng)[0], b=person_name(rng)[0], n=rng.randint(6, 40)
    )
    return Risk(
        village=village,
        campaign=city.current,
        category=category,
        level=_weighted(rng, LEVEL_WEIGHTS),
        description=text,
        owner=f"{person_name(rng)}（{village.township.name}{_committee(village.township)}副书记）",
        plan=PLANS[RiskCategory(category)],
        status=status,
        found_on=found,
        resolved_on=resolved,
    )


def _outcome(rng: random.Random, found: date, election: Election) -> tuple[str, date | None]:
    """先化解、后换届: where the village voted, nearly every risk was settled before."""
    draw = rng.random()
    if election.status == ElectionStatus.COMPLETED:
        held = election.held_date
        if draw < 0.9:
            return RiskStatus.RESOLVED, _day(rng, found + timedelta(days=7), held - timedelta(1))
        if draw < 0.95:
            return RiskStatus.RESOLVED, _day(rng, held, held + timedelta(days=20))
        return RiskStatus.IN_PROGRESS, None
    if draw < 0.4:
        return RiskStatus.RESOLVED, _day(rng, found + timedelta(days=7), LAST_DAY)
    if draw < 0.8:
        return RiskStatus.IN_PROGRESS, None
    return RiskStatus.OPEN, None


# Secretaries adjusted before the vote ---------------------------------------------------------


def _adjustments(
    rng: random.Random, city: "DemoCity", elections: dict[int, Election]
) -> list[SecretaryAdjustment]:
    weights = {"weak": 6.0, "middle": 1.0, "advanced": 0.2}
    villages = [v for v in city.villages if _vote_day(elections.get(v.pk))]
    scores = [weights[v.grade] * (4.0 if v.is_difficult else 1.0) for v in villages]
    total = min(len(villages), round(len(city.villages) * ADJUSTED_SHARE))
    chosen: set[int] = set()
    while len(chosen) < total:
        chosen.add(rng.choices(range(len(villages)), weights=scores)[0])
    adjustments = []
    for index in sorted(chosen):
        village = villages[index]
        vote = _vote_day(elections[village.pk])
        reason = _weighted(rng, REASON_WEIGHTS)
        adjustments.append(
            SecretaryAdjustment(
                village=village,
                campaign=city.current,
                adjusted_on=_day(rng, SURVEY[0], vote - timedelta(days=14)),
                previous_secretary=person_name(rng),
                new_secretary=person_name(rng),
                reason=reason,
                reason_detail=REASON_DETAILS[AdjustmentReason(reason)],
                approved_by=f"{village.township.name}{_committee(village.township)}",
            )
        )
    return adjustments


def _committee(township: Township) -> str:
    return "党工委" if township.name.endswith("街道") else "党委"


# Inspection visits ----------------------------------------------------------------------------


def _visits(rng: random.Random, city: "DemoCity") -> list[InspectionVisit]:
    assigned = defaultdict(list)
    through = InspectionGroup.townships.through
    links = through.objects.filter(inspectiongroup__in=city.inspection_groups)
    for group_id, township_id in links.values_list("inspectiongroup_id", "township_id"):
        assigned[group_id].append(township_id)
    villages = defaultdict(list)
    for village in city.villages:
        villages[village.township_id].append(village)
    recorders = {u.inspection_group_id: u for u in city.users if u.inspection_group_id}
    visits = []
    for group in city.inspection_groups:
        count = max(1, round(VISITS_PER_GROUP + rng.uniform(-1.5, 1.5)))
        for _ in range(count if assigned[group.pk] else 0):
            township = rng.choice(sorted(assigned[group.pk]))
            visits.append(_visit(rng, group, township, villages[township], recorders))
    return visits


def _visit(
    rng: random.Random,
    group: InspectionGroup,
    township: int,
    villages: list[Village],
    recorders: dict[int, User],
) -> InspectionVisit:
    findings, follow_up = rng.choice(FINDINGS)
    village = rng.choice(villages) if villages and rng.random() < 0.7 else None
    return InspectionVisit(
        group=group,
        visited_on=_day(rng, *VISIT_DAYS),
        township_id=township,
        village=village,
        findings=findings,
        follow_up=follow_up,
        follow_up_done=bool(follow_up) and rng.random() < 0.8,
        created_by=recorders.get(group.pk),
    )


# Training -------------------------------------------------------------------------------------


def _training(rng: random.Random, city: "DemoCity") -> list[TrainingSession]:
    sessions = [
        TrainingSession(
            held_on=day, level=TrainingLevel.CITY, title=title, participants=rng.randint(150, 260)
        )
        for day, title in CITY_TRAINING
    ]
    for county in city.counties:
        sessions.append(
            _session(
                rng,
                level=TrainingLevel.COUNTY,
                county=county,
                title=f"{county.name}{COUNTY_TRAINING}",
                participants=rng.randint(40, 120),
                exam=rng.random() < 0.35,  # 东海县: a closed-book exam after the training
            )
        )
    for township in city.townships:
        sessions.append(
            _session(
                rng,
                level=TrainingLevel.TOWNSHIP,
                county=township.county,
                township=township,
                title=f"{township.name}{TOWNSHIP_TRAINING}",
                participants=rng.randint(15, 60),
                exam=rng.random() < 0.3,
            )
        )
    return sessions


def _session(
    rng: random.Random, *, participants: int, exam: bool, **fields: object
) -> TrainingSession:
    passed = participants - rng.randint(0, max(1, participants // 10)) if exam else None
    return TrainingSession(
        held_on=_day(rng, *TRAINING_DAYS),
        participants=participants,
        exam_taken=exam,
        passed=passed,
        **fields,
    )
