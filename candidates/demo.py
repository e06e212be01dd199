"""Synthetic people for the demo city and for benchmarks: valid ID numbers, plausible rows.

Nothing here is real: names are drawn from common characters, ID numbers use the region
codes of the demo's invented province prefix only for their first two digits' check (a real
province code, 11, keeps python-stdnum's province check happy) and valid check digits.
"""

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from stdnum.cn import ric

from accounts.models import Role
from candidates.models import (
    Candidacy,
    Certification,
    CommitteeMember,
    DisqualifyingSituation,
    Education,
    ElectionStep,
    Gender,
    Person,
    Post,
    Source,
    Stage,
    StepDefinition,
)
from candidates.services import campaign_ensure_review_lists
from elections.models import Branch, Election, ElectionStatus

if TYPE_CHECKING:  # elections.demo lists build_committees in its STEPS
    from elections.demo import DemoCity

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰红梅建国志强海燕文斌春林国华"
    "德明金凤立新玉珍永生海波卫东晓东建华红霞"
)
EDUCATION_WEIGHTS = (
    ("研究生", 1),
    ("大学本科", 11),
    ("大专", 20),
    ("中专或高中", 38),
    ("初中及以下", 30),
)
SOURCE_WEIGHTS = (
    ("本地致富带富能人", 56),
    ("优秀退伍转业军人", 7),
    ("返乡创业人员", 6),
    ("大学生村官", 5),
    ("机关企事业单位派选人员", 7),
    ("其他", 19),
)


def id_number(rng: random.Random, born: date, female: bool, serial: int) -> str:
    """A valid 18-character ID number; ``serial`` (0–499) keeps numbers of one day apart."""
    sequence = (serial % 500) * 2 + (0 if female else 1)
    body = f"110105{born:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def weighted(rng: random.Random, weights: Sequence[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weights], [w[1] for w in weights])[0]


def roster_rows(
    rng: random.Random, villages: Sequence[tuple[str, str]], reference: date, per_village: int = 5
) -> Iterator[list]:
    """Rows of the people sheet (PEOPLE_COLUMNS order): each village's elected committee,
    its secretary first. IDs are unique across the whole roster."""
    used: set[str] = set()
    for code, village_name in villages:
        for seat in range(per_village):
            female = seat == per_village - 1 or rng.random() < 0.15
            while True:
                born = reference - timedelta(days=rng.randint(22 * 365, 62 * 365))
                number = id_number(rng, born, female, rng.randrange(500))
                if number not in used:
                    used.add(number)
                    break
            joined = born + timedelta(days=rng.randint(19 * 365, 40 * 365))
            yield [
                code,
                village_name,
                name(rng),
                "女" if female else "男",
                "汉族",
                number,
                f"{born:%Y.%m}",
                weighted(rng, EDUCATION_WEIGHTS),
                f"{min(joined, reference):%Y.%m}",
                "书记" if seat == 0 else ("副书记" if seat == 1 else "委员"),
                weighted(rng, SOURCE_WEIGHTS),
                "是" if rng.random() < 0.9 else "否",
                "是" if rng.random() < 0.85 else "否",
                "是" if seat == per_village - 1 and female else "否",
                "当选",
                "当选",
                f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            ]


# Committees of the demo city: every completed election of both campaigns gets its committee,
# shaped like the seed's city (上篇). Bands are (youngest, oldest, weight) in full years on the
# campaign's reference date; shares are weights of Education, Source, or chances.

Bands = Sequence[tuple[int, int, float]]

# Members: ≤35 ≈ 16%, ≤45 ≈ 47.5%, ≥55 ≈ 16.7%, mean ≈ 43–44.
MEMBER_AGES: Bands = (
    (22, 27, 9.5),
    (28, 35, 7.5),
    (36, 40, 16),
    (41, 45, 16),
    (46, 49, 23),
    (50, 54, 12),
    (55, 57, 12.5),
    (58, 60, 3.5),
)
# Secretaries re-elected, and new ones (新任: younger, mean ≈ 40.5).
KEPT_SECRETARY_AGES: Bands = ((30, 40, 18), (41, 45, 30), (46, 51, 43), (52, 54, 1), (55, 58, 8))
NEW_SECRETARY_AGES: Bands = ((26, 35, 28), (36, 40, 26), (41, 45, 25), (46, 54, 18), (55, 57, 3))
# The previous campaign, as of its own reference date: older, and the secretaries replaced
# this time were mostly the oldest (≥55 falls by about 60%).
PREVIOUS_MEMBER_AGES: Bands = ((24, 35, 10), (36, 45, 30), (46, 54, 38), (55, 62, 22))
REPLACED_SECRETARY_AGES: Bands = ((48, 54, 5), (55, 64, 95))
PREVIOUS_SECRETARY_AGES: Bands = ((30, 45, 30), (46, 54, 40), (55, 63, 30))

NEW_SECRETARY_SHARE = 288 / 1412
# Secretaries: 大专以上 38.5%; members in all: 研究生 0.35%, 本科 10.9%, 大专以上 31.7%.
SECRETARY_EDUCATION = {
    Education.POSTGRADUATE: 0.5,
    Education.BACHELOR: 14,
    Education.JUNIOR_COLLEGE: 24,
    Education.SECONDARY: 40,
    Education.JUNIOR_HIGH: 21.5,
}
MEMBER_EDUCATION = {
    Education.POSTGRADUATE: 0.3,
    Education.BACHELOR: 10,
    Education.JUNIOR_COLLEGE: 19.4,
    Education.SECONDARY: 38,
    Education.JUNIOR_HIGH: 32.3,
}
# 研究生 26, 比上届增加19名: about a quarter as many before.
PREVIOUS_EDUCATION = {
    Education.POSTGRADUATE: 0.1,
    Education.BACHELOR: 7,
    Education.JUNIOR_COLLEGE: 16,
    Education.SECONDARY: 40,
    Education.JUNIOR_HIGH: 36.9,
}
# Rural secretaries: local capable + returnees 76.4%, 14.5 points above the previous 61.9%.
SECRETARY_SOURCES = {
    Source.LOCAL_CAPABLE: 70,
    Source.RETURNEE: 6.4,
    Source.VETERAN: 6,
    Source.GRADUATE_OFFICIAL: 4,
    Source.DISPATCHED: 6,
    Source.OTHER: 7.6,
}
PREVIOUS_SECRETARY_SOURCES = {
    Source.LOCAL_CAPABLE: 57,
    Source.RETURNEE: 4.9,
    Source.VETERAN: 8,
    Source.GRADUATE_OFFICIAL: 3,
    Source.DISPATCHED: 7,
    Source.OTHER: 20.1,
}
MEMBER_SOURCES = {
    Source.LOCAL_CAPABLE: 52,
    Source.VETERAN: 7,
    Source.RETURNEE: 6,
    Source.GRADUATE_OFFICIAL: 6,
    Source.DISPATCHED: 7,
    Source.OTHER: 22,
}
# 双强 98.2% of secretaries; 双强双带 98% of rural secretaries (86.8% before).
SECRETARY_STRONG = {True: 0.982, False: 0.90}  # keyed by "current campaign"
SECRETARY_LEADS = {True: 0.998, False: 0.965}  # given strong_two
MEMBER_STRONG, MEMBER_LEADS = 0.8, 0.7
WOMEN_SHARE = 1970 / 7423
FEMALE_SECRETARY = {True: 0.05, False: 0.03}
PREVIOUS_WOMEN_SHARE = 0.18
PREVIOUS_DIRECTOR_SHARE = 0.85


@dataclass
class _Committees:
    rng: random.Random
    used: dict[tuple[date, bool], int] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    candidacies: list[Candidacy] = field(default_factory=list)
    seats: list[CommitteeMember] = field(default_factory=list)


def build_committees(city: "DemoCity") -> None:
    """The committee of every completed election of both campaigns: people, their candidacies
    (elected) and seats. Most secretaries are re-elected: the same person stands again."""
    made = _Committees(city.rng("committees"))
    rng = made.rng
    completed = [e for e in city.elections if e.status == ElectionStatus.COMPLETED]
    current = {e.branch_id: e for e in completed if e.campaign_id == city.current.pk}
    previous = {e.branch_id: e for e in completed if e.campaign_id == city.previous.pk}
    branches = [b for b in city.branches if b.pk in current]
    # The chance of a woman on a seat other than secretary and women's director.
    spare = sum(b.seats - 2 for b in branches)
    extra = WOMEN_SHARE * sum(b.seats for b in branches)
    extra -= len(branches) * (1 + FEMALE_SECRETARY[True])
    women = min(1.0, max(0.0, extra / spare)) if spare else 0.0
    for branch in city.branches:
        now, before = current.get(branch.pk), previous.get(branch.pk)
        kept = None
        if now is not None:
            new = rng.random() < NEW_SECRETARY_SHARE
            ages = NEW_SECRETARY_AGES if new else KEPT_SECRETARY_AGES
            secretary = _person(made, branch, _ages(rng, ages), city.current.reference_date, True)
            _committee(made, now, branch, secretary, True, women)
            kept = None if new else secretary
        if before is not None:
            if kept is None:
                ages = PREVIOUS_SECRETARY_AGES if now is None else REPLACED_SECRETARY_AGES
                kept = _person(made, branch, _ages(rng, ages), city.previous.reference_date, False)
            _committee(made, before, branch, kept, False, PREVIOUS_WOMEN_SHARE)
    campaign_ensure_review_lists(campaign=city.current)
    situations = list(DisqualifyingSituation.objects.filter(campaign=city.current))
    for election in current.values():
        _runners_up(made, election, election.branch, situations)
    Person.objects.bulk_create(made.people, batch_size=_batch())
    Candidacy.objects.bulk_create(made.candidacies, batch_size=_batch())
    CommitteeMember.objects.bulk_create(made.seats, batch_size=_batch())


# The people who stood and were not elected, per seat of a current committee: official
# candidates who lost the vote (the margin is at least a fifth of the seats), nominees who were
# not made candidates, and a few withdrawn or disqualified in the joint review.
NOT_ELECTED_PER_SEAT = 0.25
NOMINEES_PER_SEAT = 1.0
WITHDRAWN_SHARE = 0.01
DISQUALIFIED_SHARE = 0.004


def _runners_up(made: _Committees, election: Election, branch: Branch, situations: list) -> None:
    rng = made.rng
    reference = election.campaign.reference_date
    seats = max(1, branch.seats)
    losers = max(1, round(seats * NOT_ELECTED_PER_SEAT + rng.random() - 0.5))
    nominees = round(seats * NOMINEES_PER_SEAT * (0.5 + rng.random()))
    stages = [Stage.NOT_ELECTED] * losers + [Stage.PRELIMINARY] * nominees
    for i, stage in enumerate(stages):
        if stage == Stage.PRELIMINARY and rng.random() < WITHDRAWN_SHARE:
            stage = Stage.WITHDRAWN
        elif stage == Stage.PRELIMINARY and situations and rng.random() < DISQUALIFIED_SHARE:
            stage = Stage.DISQUALIFIED
        female = rng.random() < 0.3
        person = _new_person(made, branch, _ages(rng, MEMBER_AGES), reference, female)
        made.candidacies.append(
            Candidacy(
                person=person,
                election=election,
                education=_choose(rng, MEMBER_EDUCATION),
                source=_choose(rng, MEMBER_SOURCES),
                strong_two=rng.random() < MEMBER_STRONG,
                lead_two=rng.random() < MEMBER_LEADS,
                post_sought=Post.SECRETARY if i == 0 else Post.MEMBER,
                stage=stage,
                disqualifying_situation=(
                    rng.choice(situations) if stage == Stage.DISQUALIFIED else None
                ),
            )
        )


def _batch() -> int:
    from elections.demo import BATCH_SIZE

    return BATCH_SIZE


def _ages(rng: random.Random, bands: Bands) -> int:
    low, high, _ = rng.choices(bands, weights=[band[2] for band in bands])[0]
    return rng.randint(low, high)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _person(made: _Committees, branch: Branch, age: int, reference: date, now: bool) -> Person:
    rng = made.rng
    female = rng.random() < FEMALE_SECRETARY[now]
    return _new_person(made, branch, age, reference, female)


def _new_person(
    made: _Committees, branch: Branch, age: int, reference: date, female: bool
) -> Person:
    rng = made.rng
    # Born so as to be ``age`` full years old on the reference date.
    latest = _years_before(reference, age)
    earliest = _years_before(reference, age + 1) + timedelta(days=1)
    born = earliest + timedelta(days=rng.randint(0, (latest - earliest).days))
    while made.used.get((born, female), 0) >= 500:  # each day has 500 serials per gender
        born -= timedelta(days=1)
    serial = made.used.get((born, female), 0)
    made.used[(born, female)] = serial + 1
    joined = born + timedelta(days=rng.randint(19 * 365, max(19 * 365, (age - 1) * 365)))
    person = Person(
        name=name(rng),
        gender=Gender.FEMALE if female else Gender.MALE,
        birth_date=born,
        id_number=id_number(rng, born, female, serial),
        party_joined=min(joined, reference - timedelta(days=30)),
        phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
        township=branch.village.township,
    )
    made.people.append(person)
    return person


def _committee(
    made: _Committees,
    election: Election,
    branch: Branch,
    secretary: Person,
    now: bool,
    women: float,
) -> None:
    """The secretary, 0–1 deputies, then members; the women's director among the members."""
    rng = made.rng
    reference = election.campaign.reference_date
    seats = max(1, branch.seats)
    deputy = seats >= 3 and rng.random() < (0.5 if seats >= 5 else 0.2)
    director = seats >= 2 and (now or rng.random() < PREVIOUS_DIRECTOR_SHARE)
    _seat(made, election, secretary, Post.SECRETARY, now, False)
    ages = MEMBER_AGES if now else PREVIOUS_MEMBER_AGES
    for i in range(1, seats):
        post = Post.DEPUTY if deputy and i == 1 else Post.MEMBER
        is_director = director and i == seats - 1
        female = is_director or rng.random() < women
        person = _new_person(made, branch, _ages(rng, ages), reference, female)
        _seat(made, election, person, post, now, is_director)


def _seat(
    made: _Committees, election: Election, person: Person, post: str, now: bool, director: bool
) -> None:
    rng = made.rng
    if post == Post.SECRETARY:
        education = SECRETARY_EDUCATION if now else PREVIOUS_EDUCATION
        sources = SECRETARY_SOURCES if now else PREVIOUS_SECRETARY_SOURCES
        strong = rng.random() < SECRETARY_STRONG[now]
        leads = strong and rng.random() < SECRETARY_LEADS[now]
    else:
        education = MEMBER_EDUCATION if now else PREVIOUS_EDUCATION
        sources = MEMBER_SOURCES
        strong = rng.random() < MEMBER_STRONG
        leads = rng.random() < MEMBER_LEADS
    candidacy = Candidacy(
        person=person,
        election=election,
        education=_choose(rng, education),
        source=_choose(rng, sources),
        strong_two=strong,
        lead_two=leads,
        women_director=director,
        post_sought=post,
        stage=Stage.ELECTED,
    )
    made.candidacies.append(candidacy)
    made.seats.append(CommitteeMember(election=election, candidacy=candidacy, post=post))


def _choose(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0].value


# Each current election's procedure, dated around its vote (days from it), as townships
# plan it: the steps before the vote over six weeks, the notice of the results and the
# handover after it.
STEP_DAYS = {
    "plan": -45,
    "announce": -40,
    "recommend": -33,
    "review": -26,
    "township_vote": -20,
    "prospective_notice": -15,
    "official": -7,
    "election_meeting": 0,
    "first_session": 0,
    "results_notice": 2,
    "handover": 7,
}
STEP_DONE_SHARE = 0.9  # elections under way whose every past step before the vote is done
CERTIFIED_AFTER = timedelta(days=3)  # from the vote to the county's certification


def build_procedures(city: "DemoCity") -> None:
    """Every current election's procedure steps, dated as its status has them, and the
    county's certification of each completed one, which locks its result: a completed demo
    election went the way a real one goes (steps done, result certified), not only its
    status. Elections with no account of their county are certified by the administrator."""
    rng = city.rng("procedures")
    now = timezone.now()
    today = timezone.localdate(now)
    definitions: dict[str, list[StepDefinition]] = {}
    for definition in StepDefinition.objects.order_by("method", "order"):
        definitions.setdefault(definition.method, []).append(definition)
    current = [e for e in city.elections if e.campaign_id == city.current.pk]
    steps = []
    for election in current:
        vote = election.held_date or election.planned_date
        chosen = definitions.get(election.method, [])
        days = [vote + timedelta(days=STEP_DAYS.get(d.code, 0)) if vote else None for d in chosen]
        done = _steps_done(election.status, chosen, days, today, rng)
        steps += [
            ElectionStep(
                election=election,
                definition=definition,
                planned_on=day,
                done_on=day if position < done else None,
            )
            for position, (definition, day) in enumerate(zip(chosen, days, strict=True))
        ]
    ElectionStep.objects.bulk_create(steps, batch_size=_batch())
    county_users = {u.county_id: u for u in city.users if u.role == Role.COUNTY}
    administrator = next(u for u in city.users if u.is_superuser)
    townships = {t.pk: t.county_id for t in city.townships}
    completed = [e for e in current if e.status == ElectionStatus.COMPLETED and e.held_date]
    Certification.objects.bulk_create(
        [
            Certification(
                election=election,
                action=Certification.Action.CERTIFY,
                by=county_users.get(townships[election.branch.village.township_id], administrator),
                at=min(
                    timezone.make_aware(
                        datetime.combine(election.held_date + CERTIFIED_AFTER, time(10))
                    ),
                    now,
                ),
            )
            for election in completed
        ],
        batch_size=_batch(),
    )
    Election.objects.filter(pk__in=[e.pk for e in completed]).update(locked=True)


def _steps_done(
    status: str,
    definitions: list[StepDefinition],
    days: list[date | None],
    today: date,
    rng: random.Random,
) -> int:
    """How many of an election's first steps are done (each step needs the one before it):
    a completed election's up to today; of one under way, those before its vote whose day
    has passed (now and then all but the last of them), never the vote."""
    passed = 0
    for definition, day in zip(definitions, days, strict=True):
        if day is None or day > today:
            break
        if status != ElectionStatus.COMPLETED and (
            STEP_DAYS.get(definition.code, 0) >= 0 or day == today
        ):
            break
        passed += 1
    if status == ElectionStatus.COMPLETED:
        return passed
    if status != ElectionStatus.IN_PROGRESS:
        return 0
    return passed if rng.random() < STEP_DONE_SHARE else max(0, passed - 1)
