"""A city shaped like the seed's (连云港, 2013): its data give exactly the figures of the seed
report's part 1 (上篇), built in bulk so that it takes a few seconds on SQLite and PostgreSQL.

Where the seed leaves a figure open or its figures disagree with each other, the choice is
written next to the data it governs:

- "xx个村(社区)因整体拆迁等原因延期换届": the seed prints xx; here 3 are postponed, so 1664
  elections and a completion rate of 1661 / 1664 = 99.8%.
- "是上届信访量的60%": no whole number of petitions gives 32 / n = 60.0% to one decimal
  (32/53 = 60.4%, 32/54 = 59.3%); the previous campaign had 53, the closest, so the report
  prints 60.4% where the seed, rounding to whole percent, printed 60%.
- "45岁以下的781名，占总数的47%": 781 / 1659 = 47.1%; the seed rounded to whole percent again.
  The count is kept (a count is data, a rounding is not), so the report prints 47.1%.
- "1659名村(社区)党组织书记" against 1661 completed elections: two committees (communities)
  have their secretary's seat vacant.
- "除本地致富带富能人和返乡创业人员外，优秀退伍转业军人148名，大学生村官45名，机关企事业单位派选
  人员132名": read literally (only five sources), the secretaries from local capable people and
  returnees would be 1659 − 325 = 1334, more than the 1079 rural ones plus all 247 community
  secretaries. So some secretaries come from no listed source (other: 85).
- "双强双带型带头人占全市村党组织书记的98%": 1384 of 1412 (98.0%); the previous campaign had
  1324 of 1525 (86.8%), so the change is the seed's 11.2 points.
- The previous campaign (2010; terms were three years then) had 1525 rural secretaries: the
  1415 villages of today and 110 villages merged away since (区划调整). 458 of them were 55 or
  over, so 164 now is 64.2% fewer; 944 were local capable people or returnees (61.9%).
- Ages fit the seed's means only with young secretaries under 40 and a 41–54 band close to
  its lower end: the seed's mean of 43.5 for rural secretaries, with 21.6% aged 40 or under and
  the secretaries aged 45 or under being 47%, leaves little room.

Ages are full years on the reference date; every other person has the birthday on the
reference date itself, the others turn one year older the day after, so the band edges (35,
36, 40, 41, 45, 46, 54, 55) are met from both sides.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from stdnum.cn import ric

from accounts.models import User
from candidates.models import Candidacy, CommitteeMember, Education, Gender, Person, Post, Source
from candidates.models import Stage as CandidacyStage
from elections.models import (
    Branch,
    BranchKind,
    Campaign,
    County,
    Election,
    ElectionStatus,
    Method,
    Mode,
    Township,
    Village,
    VillageKind,
)
from petitions.models import NUMBER_WORD, Category, Channel, Level, Petition

R = date(2013, 6, 30)
R_PREVIOUS = date(2010, 6, 30)
BATCH = 2000

# fmt: off
# Ages {age: people}, on R. Rural secretaries new to their branch (mean 40.5), re-elected ones
# (the same person was the branch's secretary in 2010), community secretaries, other members.
RURAL_NEW = {28: 10, 30: 20, 33: 15, 35: 20, 36: 20, 38: 15, 40: 20, 41: 30, 42: 20, 43: 20,
             45: 40, 46: 30, 48: 14, 50: 10, 54: 4}
RURAL_RE_ELECTED = {25: 25, 27: 30, 28: 10, 29: 30, 30: 25, 32: 20, 35: 20, 36: 15, 40: 10,
                    41: 130, 42: 70, 43: 40, 44: 16, 45: 30, 46: 330, 47: 100, 48: 40, 54: 19,
                    55: 70, 56: 25, 57: 9, 58: 35, 59: 15, 60: 10}
COMMUNITY = {25: 10, 27: 10, 29: 10, 30: 10, 32: 10, 34: 10, 35: 10, 36: 5, 45: 5, 46: 100,
             47: 30, 48: 17, 55: 10, 56: 10}
OTHER_MEMBERS = {20: 60, 22: 80, 24: 120, 26: 140, 28: 160, 30: 120, 32: 80, 34: 60, 35: 60,
                 36: 350, 37: 350, 38: 300, 39: 250, 40: 250, 42: 150, 44: 100, 45: 114,
                 46: 700, 47: 500, 48: 350, 50: 250, 52: 100, 54: 68, 55: 500, 56: 300, 57: 150,
                 60: 70, 63: 32}

# What the candidacies say, {value: seats}, per group (1412 rural, 247 community secretaries,
# 5764 other members).
RURAL_EDUCATION = {Education.POSTGRADUATE: 3, Education.BACHELOR: 120,
                   Education.JUNIOR_COLLEGE: 380, Education.SECONDARY: 909}
COMMUNITY_EDUCATION = {Education.POSTGRADUATE: 3, Education.BACHELOR: 80,
                       Education.JUNIOR_COLLEGE: 53, Education.SECONDARY: 111}
OTHER_EDUCATION = {Education.POSTGRADUATE: 20, Education.BACHELOR: 608,
                   Education.JUNIOR_COLLEGE: 1083, Education.SECONDARY: 2500,
                   Education.JUNIOR_HIGH: 1553}
RURAL_SOURCE = {Source.LOCAL_CAPABLE: 1000, Source.RETURNEE: 79, Source.VETERAN: 120,
                Source.GRADUATE_OFFICIAL: 35, Source.DISPATCHED: 100, Source.OTHER: 78}
COMMUNITY_SOURCE = {Source.LOCAL_CAPABLE: 150, Source.RETURNEE: 20, Source.VETERAN: 28,
                    Source.GRADUATE_OFFICIAL: 10, Source.DISPATCHED: 32, Source.OTHER: 7}
OTHER_SOURCE = {Source.LOCAL_CAPABLE: 2998, Source.RETURNEE: 351, Source.VETERAN: 354,
                Source.GRADUATE_OFFICIAL: 365, Source.DISPATCHED: 407, Source.OTHER: 1289}
# (strong_two, lead_two): only both together make a "双强双带" secretary.
RURAL_ASSESSMENT = {(True, True): 1384, (True, False): 11, (False, True): 5, (False, False): 12}
COMMUNITY_ASSESSMENT = {(True, True): 200, (True, False): 34, (False, False): 13}
# fmt: on
RURAL_WOMEN = 20
COMMUNITY_WOMEN = 40
# Besides each committee's women's director, these other members are women: 1970 in all.
OTHER_WOMEN = 1970 - 1661 - RURAL_WOMEN - COMMUNITY_WOMEN

RURAL_VILLAGES = 1415  # 1412 elected, 3 postponed
COMMUNITY_VILLAGES = 249  # 247 with a secretary, 2 with the secretary's seat vacant
MERGED_VILLAGES = 110  # had an election in 2010 only
METHODS = {Method.PUBLIC_DIRECT: 1517, Method.TWO_NOMINATIONS: 141, Method.CONVENTIONAL: 3}

# The previous campaign's rural secretaries (1525): 944 local capable or returnees, 1324
# "双强双带"; the secretaries it had where today's are new, and in the villages merged since,
# were mostly 55 or over then.
PREVIOUS_RURAL_SOURCE = {
    Source.LOCAL_CAPABLE: 880,
    Source.RETURNEE: 64,
    Source.VETERAN: 200,
    Source.DISPATCHED: 100,
    Source.OTHER: 281,
}
PREVIOUS_RURAL_ASSESSMENT = {(True, True): 1324, (True, False): 150, (False, False): 51}
PREVIOUS_POSTGRADUATES = 7
PETITIONS_TO_CITY = 32
PETITIONS_TO_CITY_PREVIOUS = 53

COUNTIES = (
    ("320721", "赣榆县"),
    ("320722", "东海县"),
    ("320723", "灌云县"),
    ("320724", "灌南县"),
    ("320703", "连云区"),
    ("320705", "新浦区"),
    ("320706", "海州区"),
)
TOWNSHIPS_PER_COUNTY = 13


@dataclass
class SeedCity:
    campaign: Campaign
    previous: Campaign
    counties: list[County]
    townships: list[Township]
    villages: int
    build_seconds: float = 0.0


@dataclass
class _Rows:
    """Unsaved rows, saved in bulk in dependency order."""

    people: list[Person] = field(default_factory=list)
    candidacies: list[Candidacy] = field(default_factory=list)
    seats: list[tuple[Candidacy, Post]] = field(default_factory=list)


def ages(histogram: dict[int, int]) -> list[int]:
    return [age for age, count in sorted(histogram.items()) for _ in range(count)]


def labels(counts: dict, rng: random.Random) -> list:
    """Each value repeated as often as counted, in a fixed shuffled order."""
    values = [value for value, count in counts.items() for _ in range(count)]
    rng.shuffle(values)
    return values


def birth_date(age: int, on: date, index: int) -> date:
    """Born so as to be ``age`` in full years on ``on``: on its birthday (even index) or on
    the last day before the next one (odd index)."""
    if index % 2 == 0:
        return on.replace(year=on.year - age)
    return on.replace(year=on.year - age - 1) + timedelta(days=1)


class _People:
    """Person rows with valid, unique ID numbers (GB 11643: birth date and check digit)."""

    def __init__(self, rows: _Rows, township: Township) -> None:
        self.rows = rows
        self.township = township
        self.serials: dict[tuple[date, bool], int] = {}

    def new(self, age: int, *, on: date = R, female: bool = False) -> Person:
        born = birth_date(age, on, len(self.rows.people))
        serial = self.serials.get((born, female), 0)
        self.serials[(born, female)] = serial + 1
        # 500 numbers a day per gender and region: the counties' regions take the overflow.
        region = COUNTIES[serial // 500][0]
        body = f"{region}{born:%Y%m%d}{serial % 500 * 2 + (0 if female else 1):03d}"
        person = Person(
            name=f"人{len(self.rows.people) + 1}",
            gender=Gender.FEMALE if female else Gender.MALE,
            birth_date=born,
            id_number=body + ric.calc_check_digit(body + "0"),
            township=self.township,
        )
        self.rows.people.append(person)
        return person


def seat(rows: _Rows, election: Election, person: Person, post: str, **facts) -> None:
    candidacy = Candidacy(
        person=person, election=election, post_sought=post, stage=CandidacyStage.ELECTED, **facts
    )
    rows.candidacies.append(candidacy)
    rows.seats.append((candidacy, post))


def build_seed_city() -> SeedCity:
    rng = random.Random(2013)
    previous = Campaign.objects.create(
        name="2010年村(社区)党组织集中换届",
        reference_date=R_PREVIOUS,
        start_date=date(2010, 6, 1),
        end_date=date(2010, 10, 31),
    )
    campaign = Campaign.objects.create(
        name="2013年村(社区)党组织集中换届",
        reference_date=R,
        start_date=date(2013, 6, 1),
        end_date=date(2013, 10, 31),
        previous=previous,
    )
    counties = County.objects.bulk_create([County(code=c, name=n) for c, n in COUNTIES])
    townships = Township.objects.bulk_create(
        [
            Township(
                code=f"{county.code}{n + 1:03d}", name=f"{county.name[:2]}{n + 1}镇", county=county
            )
            for county in counties
            for n in range(TOWNSHIPS_PER_COUNTY)
        ]
    )
    kinds = (
        [VillageKind.RURAL] * RURAL_VILLAGES
        + [VillageKind.COMMUNITY] * COMMUNITY_VILLAGES
        + [VillageKind.RURAL] * MERGED_VILLAGES
    )
    villages = Village.objects.bulk_create(
        [
            Village(
                code=f"{townships[i % len(townships)].code}{i // len(townships) + 1:03d}",
                name=f"第{i + 1}{'村' if kind == VillageKind.RURAL else '社区'}",
                kind=kind,
                township=townships[i % len(townships)],
            )
            for i, kind in enumerate(kinds)
        ],
        batch_size=BATCH,
    )
    branches = Branch.objects.bulk_create(
        [_branch(v, i) for i, v in enumerate(villages)], batch_size=BATCH
    )
    rural = branches[:RURAL_VILLAGES]
    community = branches[RURAL_VILLAGES : RURAL_VILLAGES + COMMUNITY_VILLAGES]
    merged = branches[RURAL_VILLAGES + COMMUNITY_VILLAGES :]
    now = _elections(campaign, rural, community, rng)
    before = _previous_elections(previous, branches)
    rows = _Rows()
    people = _People(rows, townships[0])
    secretaries = _current_committees(rows, people, now, rural[:1412], community, rng)
    _previous_committees(rows, people, before, rural, community, merged, secretaries, rng)
    _save(rows)
    _petitions(campaign, previous, counties[0], townships[0])
    return SeedCity(
        campaign=campaign,
        previous=previous,
        counties=counties,
        townships=townships,
        villages=RURAL_VILLAGES + COMMUNITY_VILLAGES,  # those of 2013
    )


def _other_seats(committee: int) -> int:
    """Seats beside the secretary's in the ``committee``-th of the 1661 committees (1412 rural,
    then 249 communities): 4 in 779 committees of 5 and in the 2 with a vacant secretary seat,
    3 in the others: 5764 in all."""
    return 4 if committee in range(0, 1558, 2) or committee >= 1659 else 3


def _branch(village: Village, i: int) -> Branch:
    committee = i if i < 1412 else i - 3  # the 3 postponed rural villages sit at 1412-1414
    five = committee < 1661 and _other_seats(committee) == 4
    return Branch(
        village=village,
        name=f"{village.name}党{'总支' if five else '支部'}",
        kind=BranchKind.GENERAL_BRANCH if five else BranchKind.BRANCH,
        seats=5 if five else 4,
    )


def _elections(
    campaign: Campaign, rural: list[Branch], community: list[Branch], rng: random.Random
) -> dict[int, Election]:
    completed = rural[:1412] + community
    methods = labels(METHODS, rng)
    rows = []
    for branch, method in zip(completed, methods, strict=True):
        mode = Mode.INDIRECT if method == Method.CONVENTIONAL else Mode.DIRECT
        if method == Method.TWO_NOMINATIONS and branch.pk % 3 == 0:
            mode = Mode.INDIRECT
        rows.append(
            Election(
                campaign=campaign,
                branch=branch,
                method=method,
                mode=mode,
                status=ElectionStatus.COMPLETED,
                held_date=date(2013, 8, 20),
            )
        )
    for branch in rural[1412:]:
        rows.append(
            Election(
                campaign=campaign,
                branch=branch,
                status=ElectionStatus.POSTPONED,
                postponement_reason="整体拆迁，延期换届",
            )
        )
    saved = Election.objects.bulk_create(rows, batch_size=BATCH)
    return {e.branch_id: e for e in saved}


def _previous_elections(previous: Campaign, branches: list[Branch]) -> dict[int, Election]:
    saved = Election.objects.bulk_create(
        [
            Election(
                campaign=previous,
                branch=b,
                status=ElectionStatus.COMPLETED,
                held_date=date(2010, 8, 18),
            )
            for b in branches
        ],
        batch_size=BATCH,
    )
    return {e.branch_id: e for e in saved}


def _cycle(values: list) -> Iterator:
    while True:
        yield from values


def _current_committees(
    rows: _Rows,
    people: _People,
    elections: dict[int, Election],
    rural: list[Branch],
    community: list[Branch],
    rng: random.Random,
) -> dict[int, Person]:
    """Seats of 2013; returns each rural branch's secretary (by branch id)."""
    rural_ages = ages(RURAL_NEW) + ages(RURAL_RE_ELECTED)  # the first 288 branches: new
    community_ages = ages(COMMUNITY)
    facts = {
        "rural": _facts(RURAL_EDUCATION, RURAL_SOURCE, RURAL_ASSESSMENT, RURAL_WOMEN, rng),
        "community": _facts(
            COMMUNITY_EDUCATION, COMMUNITY_SOURCE, COMMUNITY_ASSESSMENT, COMMUNITY_WOMEN, rng
        ),
    }
    secretaries = {}
    for kind, branches, branch_ages in (
        ("rural", rural, rural_ages),
        ("community", community[:247], community_ages),
    ):
        for branch, age, (fact, female) in zip(branches, branch_ages, facts[kind], strict=True):
            person = people.new(age, female=female)
            seat(rows, elections[branch.pk], person, Post.SECRETARY, **fact)
            secretaries[branch.pk] = person
    _other_members(rows, people, elections, rural + community, rng)
    return secretaries


def _facts(education, source, assessment, women, rng) -> list[tuple[dict, bool]]:
    n = sum(education.values())
    female = labels({True: women, False: n - women}, rng)
    return [
        ({"education": e, "source": s, "strong_two": a[0], "lead_two": a[1]}, f)
        for e, s, a, f in zip(
            labels(education, rng),
            labels(source, rng),
            labels(assessment, rng),
            female,
            strict=True,
        )
    ]


def _other_members(
    rows: _Rows,
    people: _People,
    elections: dict[int, Election],
    branches: list[Branch],
    rng: random.Random,
) -> None:
    """5764 members beside the secretaries; the first of each committee is a woman and its
    women's director."""
    member_ages = ages(OTHER_MEMBERS)
    rng.shuffle(member_ages)
    education = labels(OTHER_EDUCATION, rng)
    source = labels(OTHER_SOURCE, rng)
    women = iter(labels({True: OTHER_WOMEN, False: 5764 - 1661 - OTHER_WOMEN}, rng))
    n = 0
    for i, branch in enumerate(branches):
        count = _other_seats(i)
        for k in range(count):
            director = k == 0
            female = director or next(women)
            post = Post.DEPUTY if k == 0 and count == 4 else Post.MEMBER
            person = people.new(member_ages[n], female=female)
            seat(
                rows,
                elections[branch.pk],
                person,
                post,
                education=education[n],
                source=source[n],
                women_director=director,
            )
            n += 1
    assert n == 5764, n


def _previous_committees(
    rows: _Rows,
    people: _People,
    elections: dict[int, Election],
    rural: list[Branch],
    community: list[Branch],
    merged: list[Branch],
    secretaries: dict[int, Person],
    rng: random.Random,
) -> None:
    """Seats of 2010: a secretary and two members in every branch of the time."""
    new, re_elected, postponed = rural[:288], rural[288:1412], rural[1412:]
    # Two edge cases of 新任: one new secretary was a member of the same branch in 2010, one
    # was the secretary of a village merged into another since.
    was_member = secretaries[new[1].pk]
    moved = secretaries[new[0].pk]
    old = _cycle([55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65])
    plan: list[tuple[Branch, Person]] = [(b, secretaries[b.pk]) for b in re_elected]
    plan += [(b, people.new(next(old), on=R_PREVIOUS)) for b in new]
    plan += [(b, people.new(next(old), on=R_PREVIOUS)) for b in postponed]
    plan += [(merged[0], moved), (merged[1], people.new(38, on=R_PREVIOUS))]
    plan += [(merged[2], people.new(47, on=R_PREVIOUS))]
    plan += [(b, people.new(next(old), on=R_PREVIOUS)) for b in merged[3:]]
    assert len(plan) == 1525, len(plan)
    sources = labels(PREVIOUS_RURAL_SOURCE, rng)
    assessments = labels(PREVIOUS_RURAL_ASSESSMENT, rng)
    for (branch, person), source, (strong, lead) in zip(plan, sources, assessments, strict=True):
        # What was true of the person then: re-elected secretaries studied since.
        seat(
            rows,
            elections[branch.pk],
            person,
            Post.SECRETARY,
            education=Education.SECONDARY,
            source=source,
            strong_two=strong,
            lead_two=lead,
        )
    for branch in community:
        seat(
            rows,
            elections[branch.pk],
            people.new(50, on=R_PREVIOUS, female=True),
            Post.SECRETARY,
            education=Education.JUNIOR_COLLEGE,
        )
    postgraduates = PREVIOUS_POSTGRADUATES
    for branch in [*rural, *community, *merged]:
        for k in range(2):
            if branch == new[1] and k == 0:
                person = was_member
            else:
                person = people.new(35 + (branch.pk + k) % 25, on=R_PREVIOUS, female=k == 0)
            education = Education.SECONDARY
            if postgraduates and k == 1:
                education, postgraduates = Education.POSTGRADUATE, postgraduates - 1
            seat(
                rows,
                elections[branch.pk],
                person,
                Post.MEMBER,
                education=education,
                women_director=k == 0 and person is not was_member,
            )


def _save(rows: _Rows) -> None:
    Person.objects.bulk_create(rows.people, batch_size=BATCH)
    for candidacy in rows.candidacies:
        candidacy.person_id = candidacy.person.pk
    Candidacy.objects.bulk_create(rows.candidacies, batch_size=BATCH)
    CommitteeMember.objects.bulk_create(
        [
            CommitteeMember(election_id=c.election_id, candidacy=c, post=post)
            for c, post in rows.seats
        ],
        batch_size=BATCH,
    )


def _petitions(campaign: Campaign, previous: Campaign, county: County, township: Township):
    """32 petitions to the city in 2013 (one a visit of 9 people: not a group visit of 10+),
    53 in 2010, and some that the figures must leave out."""
    by = User.objects.create(username="seed_city_registrar", role="city")
    rows = []

    def petition(on: date, level: str, channel: str = Channel.LETTER, people: int = 1) -> None:
        serial = 1 + sum(1 for p in rows if p.year == on.year and p.level == level)
        rows.append(
            Petition(
                number=f"{on.year}-{NUMBER_WORD[level]}-{serial:04d}",
                year=on.year,
                serial=serial,
                level=level,
                county=None if level == Level.CITY else county,
                receiving_township=township if level == Level.TOWNSHIP else None,
                channel=channel,
                received_on=on,
                petitioner_name="来信人",
                people_count=people,
                category=Category.PROCEDURE,
                content="反映换届选举问题",
                decision_due=on + timedelta(days=15),
                registered_by=by,
            )
        )

    for n in range(PETITIONS_TO_CITY - 1):
        petition(campaign.start_date + timedelta(days=n * 4), Level.CITY)
    petition(campaign.end_date, Level.CITY, Channel.VISIT, people=9)
    for n in range(PETITIONS_TO_CITY_PREVIOUS):
        petition(previous.start_date + timedelta(days=n * 2), Level.CITY)
    # Not to the city, or not during the campaign: none of these counts.
    petition(campaign.start_date, Level.TOWNSHIP, Channel.VISIT, people=15)
    petition(campaign.start_date, Level.COUNTY, Channel.VISIT, people=12)
    petition(campaign.end_date + timedelta(days=1), Level.CITY, Channel.VISIT, people=20)
    petition(campaign.start_date - timedelta(days=1), Level.CITY)
    Petition.objects.bulk_create(rows)
