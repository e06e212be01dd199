"""The synthetic demo city behind ``manage.py seed_demo``.

The city is shaped like the one in the user's report: about 6 counties, 90 townships and 1,700
villages and communities (85% rural), one Party organization each, the current campaign and the
previous one, and an election of every organization in both. The current campaign is near its
end: most elections completed, a few dozen postponed, a handful still running. Every figure is
drawn from ``random.Random`` seeded per part, so a seed always gives the same city, and a part
added later (candidates, audits, petitions) does not change the parts before it.

Each part is a function ``build_<part>(city)`` listed in ``STEPS``; later parts append theirs
and put the models they create at the front of ``_reset_querysets``.
"""

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from accounts.models import InspectionGroup, Role, User
from audits.demo import build_audits
from audits.models import Audit, AuditFinding
from candidates.demo import build_committees, build_procedures
from candidates.models import Candidacy, Certification, CommitteeMember, Person, VoteRound
from dashboards.models import ProgressReport
from elections.models import (
    BRANCH_SUFFIX,
    Branch,
    BranchKind,
    Campaign,
    County,
    Election,
    ElectionStatus,
    Method,
    Mode,
    RuleSet,
    Township,
    Village,
    VillageGrade,
    VillageKind,
)
from oversight.demo import build_oversight
from oversight.models import InspectionVisit, Risk, SecretaryAdjustment, TrainingSession
from petitions.demo import build_petitions
from petitions.models import Petition, PetitionAttachment, PetitionEvent
from reports.demo import build_report_texts
from reports.models import MeasureText, Report, ReportSection

M = TypeVar("M", bound=Model)

DEFAULT_VILLAGES = 1700
DEFAULT_SEED = 2026
MAX_VILLAGES = 300_000
DEMO_PASSWORD = "Huanjie-2026"  # noqa: S105 - printed on purpose: it signs in to demo data
DEMO_USERNAMES = ("admin", "city", "county", "township", "inspector")
CITY_ADMINISTRATORS = "市委组织部管理员"  # the group of accounts/migrations/0003
BATCH_SIZE = 2000

DATA_EXISTS = _(
    "The database already holds regions, campaigns or demo users. Run seed_demo --reset to "
    "delete them and build the demo again, or seed_demo --if-empty to keep them."
)
TOO_MANY_VILLAGES = _("The demo city has from 1 to %(max)d villages and communities.")
PASSWORD_REJECTED = _("The demo password is not accepted: %(reasons)s")
NO_BULK_RETURNING = _("seed_demo needs a database that returns ids from bulk inserts.")


class DemoError(Exception):
    """The demo city cannot be built as asked; the message says why."""


# The shape of the city. Shares come from the seed's report where it gives them.
VILLAGES_PER_TOWNSHIP = 19
TOWNSHIPS_PER_COUNTY = 15
COUNTIES_PER_CITY = 12
# No province has division code 39, so demo codes never look like a real place.
PROVINCE_CODE = "39"
COMMUNITY_SHARE = (1659 - 1412) / 1659  # 1,412 rural secretaries of 1,659
DIFFICULT_SHARE = 36 / 463  # 赣榆县: 36 difficult villages of 463
GRADE_SHARES = {VillageGrade.ADVANCED: 0.30, VillageGrade.MIDDLE: 0.55, VillageGrade.WEAK: 0.15}
# 先易后难: advanced villages vote in the first batch, weak and difficult ones in the last.
BATCH_OF_GRADE = {VillageGrade.ADVANCED: 1, VillageGrade.MIDDLE: 2, VillageGrade.WEAK: 3}
POSTPONED_SHARE = 0.02
IN_PROGRESS_SHARE = 0.002
NOT_STARTED_SHARE = 0.001
# Of 1,661 completed elections: 1,517 公推直选, 141 两推一选, 3 常规选举.
TWO_NOMINATIONS_SHARE = 141 / 1661
CONVENTIONAL_SHARE = 3 / 1661

STREET, TOWN, XIANG = "街道", "镇", "乡"

PREVIOUS_CAMPAIGN = {
    "name": "2021年村(社区)党组织集中换届",
    "reference_date": date(2020, 12, 31),
    "start_date": date(2020, 11, 1),
    "end_date": date(2021, 5, 31),
}
CURRENT_CAMPAIGN = {
    "name": "2026年村(社区)党组织集中换届",
    "reference_date": date(2026, 9, 30),
    "start_date": date(2026, 8, 1),
    "end_date": date(2026, 12, 31),
}
PREVIOUS_BATCHES = {
    1: (date(2020, 12, 1), date(2020, 12, 31)),
    2: (date(2021, 1, 4), date(2021, 2, 5)),
    3: (date(2021, 3, 1), date(2021, 4, 15)),
}
CURRENT_BATCHES = {
    1: (date(2026, 9, 1), date(2026, 9, 30)),
    2: (date(2026, 10, 8), date(2026, 10, 31)),
    3: (date(2026, 11, 2), date(2026, 11, 25)),
}
STILL_OPEN = {
    ElectionStatus.IN_PROGRESS: (date(2026, 11, 20), date(2026, 12, 10)),
    ElectionStatus.NOT_STARTED: (date(2026, 12, 1), date(2026, 12, 20)),
}
DEMOLITION = "整体拆迁，党员已分散安置，待安置完成后换届"
POSTPONEMENT_REASONS = (
    (DEMOLITION, 5),
    ("村庄合并调整，待区划调整完成后换届", 2),
    ("征地补偿矛盾尚未化解，经县委组织部批准延期换届", 1),
    ("班子矛盾突出，整顿后再行换届", 1),
)


def _pairs(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(0, len(text), 2)]


# Name parts. Combinations are invented; a few may match real places elsewhere.
COUNTY_HEADS = "东西南北青云沭沂澄临安宁丰泰清兴宝汇瀛淮涟潍朐滨盐阜响泗睢邳沛溧皋启射洪盱郯莒"
COUNTY_TAILS = "榆浦阳城泉川丘陵台州水塘源江溪沙林港山河湖"
SEED_CITY_NAMES = {"东海", "赣榆", "灌云", "灌南", "海州", "连云", "新浦", "云台"}
PLACE_HEADS = "石马龙白黄青桃李杨柳沙洪双三横新大小高金凤安平宋王牛黑盘官城塔浦罗徐孙朱胡谢"
PLACE_TAILS = "桥集庄湖河港山沟店湾埠圩岭塘墩营口头林园坝甸屯寨寺墅"
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余杜"
    "叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪石金贾夏方邹熊孟秦侯江薛闫段雷史陶贺毛郝顾龚邵"
    "万武钱戴严孔常汤康葛"
)
VILLAGE_PREFIXES = "前后东西南北大小上下新老"
# Two-character words, run together.
URBAN_WORDS = _pairs(
    "朝阳新华幸福和平建设胜利光明文化团结友谊东方振兴繁荣康乐福安锦绣滨河海滨花园翠园"
    "龙湖金桥银河阳光育才民主人民利民安居惠民祥和和谐兴隆富强新城东苑西苑南苑北苑桃园"
    "梅园兰园竹园怡景锦华望海观海港城解放中山健康新港凤凰天河春晖长青瑞丰嘉禾盛世"
)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    description: str


@dataclass
class DemoCity:
    """What the parts build, handed from one part to the next."""

    seed: int
    size: int
    password: str
    counties: list[County] = field(default_factory=list)
    townships: list[Township] = field(default_factory=list)
    villages: list[Village] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    campaigns: list[Campaign] = field(default_factory=list)
    elections: list[Election] = field(default_factory=list)
    inspection_groups: list[InspectionGroup] = field(default_factory=list)
    users: list[User] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)
    # Facts that have no field: a county is an urban district (区), a township is a 街道/镇/乡.
    is_district: dict[str, bool] = field(default_factory=dict)
    township_kind: dict[str, str] = field(default_factory=dict)
    deleted: int = 0

    def rng(self, part: str) -> random.Random:
        # One stream per part: a part added later never shifts the draws of earlier parts.
        return random.Random(f"{self.seed}:{part}")

    @property
    def current(self) -> Campaign:
        return self.campaigns[-1]

    @property
    def previous(self) -> Campaign:
        return self.campaigns[0]


# Counting helpers.


def _round(value: float) -> int:
    return math.floor(value + 0.5)


def _apportion(total: int, weights: Sequence[float], minimum: int = 0) -> list[int]:
    """Splits ``total`` in proportion to ``weights`` (largest remainder), ``minimum`` each."""
    spare = total - minimum * len(weights)
    shares = [spare * weight / sum(weights) for weight in weights]
    counts = [math.floor(share) for share in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: spare - sum(counts)]:
        counts[i] += 1
    return [minimum + count for count in counts]


def _deal(rng: random.Random, total: int, shares: dict[str, float]) -> list[str]:
    """Exactly the shares' counts of each label, shuffled."""
    counts = _apportion(total, list(shares.values()))
    labels = [label for label, count in zip(shares, counts, strict=True) for _ in range(count)]
    rng.shuffle(labels)
    return labels


def _pick(rng: random.Random, weights: Sequence[float], k: int) -> set[int]:
    """``k`` indexes drawn without replacement, in proportion to weight (Efraimidis-Spirakis)."""
    keys = [math.log(1.0 - rng.random()) / weight for weight in weights]
    return set(sorted(range(len(weights)), key=keys.__getitem__, reverse=True)[:k])


def _day(rng: random.Random, window: tuple[date, date]) -> date:
    start, end = window
    return start + timedelta(days=rng.randint(0, (end - start).days))


def _unique_name(rng: random.Random, taken: set[str], make: Callable[[], str]) -> str:
    for attempt in range(1000):
        name = make() if attempt < 50 else make() + rng.choice(PLACE_TAILS)
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("name pool exhausted")  # unreachable: the pools are far larger


def _bulk(model: type[M], objects: list[M]) -> list[M]:
    return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


# Regions: counties, townships, villages and their Party organizations.


def build_regions(city: DemoCity) -> None:
    rng = city.rng("regions")
    townships = max(1, min(city.size, _round(city.size / VILLAGES_PER_TOWNSHIP)))
    counties = max(1, _round(townships / TOWNSHIPS_PER_COUNTY))
    city.counties = _bulk(County, _make_counties(rng, city, counties))
    city.townships = _bulk(Township, _make_townships(rng, city, townships))
    city.villages = _bulk(Village, _make_villages(rng, city))
    city.branches = _bulk(Branch, [_make_branch(rng, village) for village in city.villages])


def _make_counties(rng: random.Random, city: DemoCity, total: int) -> list[County]:
    cities = math.ceil(total / COUNTIES_PER_CITY)
    taken = set(SEED_CITY_NAMES)
    counties = []
    for city_number, size in enumerate(_apportion(total, [1] * cities), start=1):
        districts = max(1, _round(size / 3))
        for i in range(size):
            # Districts are numbered from 02, counties from 21, as in real division codes.
            number = 2 + i if i < districts else 21 + i - districts
            code = f"{PROVINCE_CODE}{city_number:02d}{number:02d}"
            name = _unique_name(rng, taken, lambda: _two(rng, COUNTY_HEADS, COUNTY_TAILS))
            city.is_district[code] = i < districts
            counties.append(County(code=code, name=name + ("区" if i < districts else "县")))
    return counties


def _two(rng: random.Random, heads: str, tails: str) -> str:
    return rng.choice(heads) + rng.choice(tails)


def _make_townships(rng: random.Random, city: DemoCity, total: int) -> list[Township]:
    weights = [rng.uniform(0.7, 1.3) for _ in city.counties]
    townships = []
    for county, size in zip(city.counties, _apportion(total, weights, 1), strict=True):
        taken: set[str] = set()
        numbers = {STREET: 1, TOWN: 101, XIANG: 201}  # 街道 0xx, 镇 1xx, 乡 2xx
        for kind in _township_kinds(size, city.is_district[county.code]):
            code = f"{county.code}{numbers[kind]:03d}"
            numbers[kind] += 1
            words = URBAN_WORDS if kind == STREET else None
            name = _unique_name(rng, taken, lambda w=words: _place(rng, w))
            city.township_kind[code] = kind
            townships.append(Township(code=code, name=name + kind, county=county))
    return townships


def _township_kinds(size: int, is_district: bool) -> list[str]:
    streets = min(size, max(1, _round(size * (0.35 if is_district else 0.1))))
    xiangs = 0 if is_district else _round((size - streets) * 0.2)
    return [STREET] * streets + [TOWN] * (size - streets - xiangs) + [XIANG] * xiangs


def _place(rng: random.Random, words: list[str] | None = None) -> str:
    return rng.choice(words) if words else _two(rng, PLACE_HEADS, PLACE_TAILS)


def _make_villages(rng: random.Random, city: DemoCity) -> list[Village]:
    weights = [rng.uniform(0.6, 1.4) for _ in city.townships]
    sizes = _apportion(city.size, weights, 1)
    slots = [t for t, size in zip(city.townships, sizes, strict=True) for _ in range(size)]
    # Communities cluster in 街道; villages there are the ones pulled down for new housing.
    urban = {STREET: 12.0, TOWN: 0.6, XIANG: 0.25}
    kind_weights = [urban[city.township_kind[township.code]] for township in slots]
    communities = _pick(rng, kind_weights, _round(city.size * COMMUNITY_SHARE))
    grades = _deal(rng, city.size, GRADE_SHARES)
    difficulty = {VillageGrade.ADVANCED: 0.2, VillageGrade.MIDDLE: 1.0, VillageGrade.WEAK: 4.0}
    difficult = _pick(rng, [difficulty[g] for g in grades], _round(city.size * DIFFICULT_SHARE))
    villages = [
        _make_village(rng, township, i in communities, grades[i], i in difficult)
        for i, township in enumerate(slots)
    ]
    return _number_villages(rng, villages)


def _make_village(
    rng: random.Random, township: Township, community: bool, grade: str, difficult: bool
) -> Village:
    median, spread = (45, 0.6) if community else (38, 0.45)
    return Village(
        township=township,
        kind=VillageKind.COMMUNITY if community else VillageKind.RURAL,
        party_members=min(600, max(6, _round(rng.lognormvariate(math.log(median), spread)))),
        grade=grade,
        is_difficult=difficult,
    )


def _number_villages(rng: random.Random, villages: list[Village]) -> list[Village]:
    """Codes and names: communities 001.. and villages 201.. within each township."""
    ordered = sorted(villages, key=lambda v: (v.township.code, v.kind != VillageKind.COMMUNITY))
    numbers: dict[tuple[str, str], int] = {}
    taken: dict[str, set[str]] = {}
    for village in ordered:
        key = (village.township.code, village.kind)
        numbers[key] = numbers.get(key, 0) + 1
        first = 1 if village.kind == VillageKind.COMMUNITY else 201
        village.code = f"{village.township.code}{first + numbers[key] - 1:03d}"
        names = taken.setdefault(village.township.code, set())
        village.name = _unique_name(rng, names, lambda v=village: _village_name(rng, v))
    return ordered


def _village_name(rng: random.Random, village: Village) -> str:
    if village.kind == VillageKind.COMMUNITY:
        urban = village.township.name.endswith(STREET)
        return _place(rng, URBAN_WORDS if urban else None) + "社区"
    base = rng.choice(SURNAMES) + rng.choice(PLACE_TAILS)
    if rng.random() < 0.35:
        base = rng.choice(VILLAGE_PREFIXES) + base
    return base + "村"


def _make_branch(rng: random.Random, village: Village) -> Branch:
    members = village.party_members
    if members >= 100:
        kind = BranchKind.COMMITTEE if rng.random() < 0.5 else BranchKind.GENERAL_BRANCH
    elif members >= 50 and rng.random() < 0.55:
        kind = BranchKind.GENERAL_BRANCH
    else:
        kind = BranchKind.BRANCH
    if kind == BranchKind.BRANCH:
        seats = 5 if members >= 25 and rng.random() < 0.78 else 3
    else:
        seats = rng.choice((5, 5, 7)) if kind == BranchKind.GENERAL_BRANCH else rng.choice((5, 7))
    return Branch(village=village, name=village.name + BRANCH_SUFFIX[kind], kind=kind, seats=seats)


# Campaigns: the previous one, then the current one pointing back at it.


def build_campaigns(city: DemoCity) -> None:
    previous = Campaign.objects.create(rule_set=RuleSet.RULES_2020, **PREVIOUS_CAMPAIGN)
    current = Campaign.objects.create(
        rule_set=RuleSet.RULES_2020, previous=previous, **CURRENT_CAMPAIGN
    )
    city.campaigns = [previous, current]


# Elections: every organization in both campaigns.


def build_elections(city: DemoCity) -> None:
    rng = city.rng("elections")
    statuses = _current_statuses(rng, city)
    methods = _current_methods(rng, statuses, city.branches)
    elections = []
    for branch, status, method in zip(city.branches, statuses, methods, strict=True):
        elections.append(_current_election(rng, city, branch, status, method))
        elections.append(_previous_election(rng, city, branch, method))
    city.elections = _bulk(Election, elections)


def _batch(village: Village) -> int:
    return 3 if village.is_difficult else BATCH_OF_GRADE[VillageGrade(village.grade)]


def _postpone_weight(city: DemoCity, branch: Branch) -> float:
    # Whole villages pulled down for new housing sit in 街道; difficult villages wait too.
    street = city.township_kind[branch.village.township.code] == STREET
    return (6.0 if street else 1.0) * (3.0 if branch.village.is_difficult else 1.0)


def _late_weight(city: DemoCity, branch: Branch) -> float:
    return 10.0 if _batch(branch.village) == 3 else 1.0


def _current_statuses(rng: random.Random, city: DemoCity) -> list[str]:
    statuses = [ElectionStatus.COMPLETED.value] * len(city.branches)
    quotas = (
        (ElectionStatus.POSTPONED, POSTPONED_SHARE, _postpone_weight),
        (ElectionStatus.IN_PROGRESS, IN_PROGRESS_SHARE, _late_weight),
        (ElectionStatus.NOT_STARTED, NOT_STARTED_SHARE, _late_weight),
    )
    for status, share, weight in quotas:
        left = [i for i, s in enumerate(statuses) if s == ElectionStatus.COMPLETED]
        weights = [weight(city, city.branches[i]) for i in left]
        for j in _pick(rng, weights, _round(city.size * share)):
            statuses[left[j]] = status.value
    return statuses


def _current_methods(rng: random.Random, statuses: list[str], branches: list[Branch]) -> list[str]:
    """Completed elections get the seed's exact method shares; open ones a planned method."""
    methods = [
        Method.TWO_NOMINATIONS.value if rng.random() < 0.1 else Method.PUBLIC_DIRECT.value
        for _ in statuses
    ]
    done = [i for i, s in enumerate(statuses) if s == ElectionStatus.COMPLETED]
    for i in done:
        methods[i] = Method.PUBLIC_DIRECT.value
    # 两推一选 is for villages where the election is delicate (选情复杂).
    hard = [8.0 if b.village.is_difficult else 1.0 for b in (branches[i] for i in done)]
    for j in _pick(rng, hard, _round(len(done) * TWO_NOMINATIONS_SHARE)):
        methods[done[j]] = Method.TWO_NOMINATIONS.value
    rest = [i for i in done if methods[i] == Method.PUBLIC_DIRECT]
    for j in _pick(rng, [1.0] * len(rest), _round(len(done) * CONVENTIONAL_SHARE)):
        methods[rest[j]] = Method.CONVENTIONAL.value
    return methods


def _mode(rng: random.Random, method: str) -> str:
    if method == Method.PUBLIC_DIRECT:
        return Mode.DIRECT.value
    if method == Method.CONVENTIONAL:
        return Mode.INDIRECT.value
    return Mode.INDIRECT.value if rng.random() < 0.55 else Mode.DIRECT.value


def _current_election(
    rng: random.Random, city: DemoCity, branch: Branch, status: str, method: str
) -> Election:
    batch = _batch(branch.village)
    window = STILL_OPEN.get(ElectionStatus(status), CURRENT_BATCHES[batch])
    planned = _day(rng, window)
    held = None
    if status == ElectionStatus.COMPLETED:
        late = 0 if rng.random() < 0.9 else rng.randint(1, 7)
        held = min(planned + timedelta(days=late), window[1])
    reason = _postponement_reason(rng, city, branch) if status == ElectionStatus.POSTPONED else ""
    return Election(
        campaign=city.current,
        branch=branch,
        method=method,
        mode=_mode(rng, method),
        batch=batch,
        status=status,
        postponement_reason=reason,
        planned_date=planned,
        held_date=held,
    )


def _postponement_reason(rng: random.Random, city: DemoCity, branch: Branch) -> str:
    if city.township_kind[branch.village.township.code] == STREET:
        return DEMOLITION
    reasons, weights = zip(*POSTPONEMENT_REASONS, strict=True)
    return rng.choices(reasons, weights=weights)[0]


def _previous_election(rng: random.Random, city: DemoCity, branch: Branch, method: str) -> Election:
    # Villages mostly keep their method from one term to the next (政策连续稳定).
    if rng.random() >= 0.85:
        method = rng.choices(list(Method), weights=(5, 3, 2))[0].value
    batch = _batch(branch.village)
    held = _day(rng, PREVIOUS_BATCHES[batch])
    return Election(
        campaign=city.previous,
        branch=branch,
        method=method,
        mode=_mode(rng, method),
        batch=batch,
        status=ElectionStatus.COMPLETED,
        planned_date=held,
        held_date=held,
    )


# Users: one per role, and the inspection groups the inspector belongs to.


def build_users(city: DemoCity) -> None:
    rng = city.rng("users")
    open_work = _open_work(city)
    city.inspection_groups = _build_inspection_groups(rng, city, open_work)
    township = _demo_town(city, city.townships, open_work)
    at = next(i for i, county in enumerate(city.counties) if county.pk == township.county_id)
    county, group = city.counties[at], city.inspection_groups[at]
    committee = "党工委" if city.township_kind[township.code] == STREET else "党委"
    specs: list[tuple[str, str, dict[str, object]]] = [
        ("admin", "系统管理员", {"is_superuser": True, "is_staff": True}),
        ("city", "市委组织部", {"role": Role.CITY, "is_staff": True}),
        ("county", f"{county.name}委组织部", {"role": Role.COUNTY, "county": county}),
        (
            "township",
            f"{township.name}{committee}组织委员",
            {"role": Role.TOWNSHIP, "county": county, "township": township},
        ),
        ("inspector", group.name, {"role": Role.INSPECTOR, "inspection_group": group}),
    ]
    # One hash for all: they share the printed password, and hashing is the slow part.
    password = make_password(city.password)
    city.users = _bulk(
        User,
        [User(username=u, first_name=d, password=password, **f) for u, d, f in specs],
    )
    city.logins = [DemoLogin(u, city.password, d) for u, d, _ in specs]
    # The city department's staff manage campaigns, step lists and holidays in the admin.
    administrators = Group.objects.filter(name=CITY_ADMINISTRATORS).first()
    if administrators is not None:
        administrators.user_set.add(*(u for u in city.users if u.role == Role.CITY))


def _open_work(city: DemoCity) -> Counter:
    """The current campaign's elections still open (not completed), counted by (township id,
    whether not started or under way): counted once, for every county's choice."""
    active = {ElectionStatus.NOT_STARTED, ElectionStatus.IN_PROGRESS}
    work: Counter = Counter()
    for election in city.elections:
        if election.campaign_id == city.current.pk and election.status != ElectionStatus.COMPLETED:
            work[election.branch.village.township_id, election.status in active] += 1
    return work


def _demo_town(city: DemoCity, townships: list[Township], open_work: Counter) -> Township:
    """The demo township official's township, among ``townships``: a 镇 (its work is villages,
    not a 街道's communities) with the most elections still open, those not started or under
    way counting first. The demo campaign is near its end, and in a township whose elections
    are all certified and locked the official could try nothing (a roster import is refused
    row by row); the first in code order on a tie, and a 街道 only where there is no 镇."""
    towns = [t for t in townships if city.township_kind[t.code] != STREET] or townships

    def score(town: Township) -> tuple[int, int]:
        active = open_work[town.pk, True]
        return active, active + open_work[town.pk, False]

    return max(towns, key=score)  # max keeps the first of equals


def _build_inspection_groups(
    rng: random.Random, city: DemoCity, open_work: Counter
) -> list[InspectionGroup]:
    """One group per county, assigned four of its townships (the demo township first)."""
    groups = _bulk(
        InspectionGroup,
        [InspectionGroup(name=f"市委督查指导组（{county.name}）") for county in city.counties],
    )
    through = InspectionGroup.townships.through
    links = []
    for group, county in zip(groups, city.counties, strict=True):
        townships = [t for t in city.townships if t.county_id == county.pk]
        first = _demo_town(city, townships, open_work)
        others = [t for t in townships if t is not first]
        for township in [first, *rng.sample(others, min(3, len(others)))]:
            links.append(through(inspectiongroup_id=group.pk, township_id=township.pk))
    through.objects.bulk_create(links, batch_size=BATCH_SIZE)
    return groups


STEPS: list[Callable[[DemoCity], None]] = [
    build_regions,
    build_campaigns,
    build_elections,
    build_committees,
    build_users,
    build_procedures,
    build_audits,
    build_petitions,
    build_oversight,
    build_report_texts,
]


# The service.


def regions_exist() -> bool:
    return County.objects.exists()


def demo_data_exists() -> bool:
    models: tuple[type[Model], ...] = (
        County,
        Township,
        Village,
        Branch,
        Campaign,
        Election,
        InspectionGroup,
    )
    if any(model.objects.exists() for model in models):
        return True
    return User.objects.filter(username__in=DEMO_USERNAMES).exists()


@transaction.atomic
def demo_seed(
    *,
    villages: int = DEFAULT_VILLAGES,
    seed: int = DEFAULT_SEED,
    password: str = DEMO_PASSWORD,
    reset: bool = False,
) -> DemoCity:
    """Builds the demo city in one transaction; with ``reset``, deletes the old one first.

    Raises DemoError, and leaves the database as it was, if the size or password is not
    accepted, or if regions, campaigns or demo users exist and ``reset`` is not given.
    """
    _check(villages, password)
    deleted = demo_reset() if reset else 0
    if demo_data_exists():
        raise DemoError(DATA_EXISTS)
    city = DemoCity(seed=seed, size=villages, password=password, deleted=deleted)
    for step in STEPS:
        step(city)
    return city


def _check(villages: int, password: str) -> None:
    if not connection.features.can_return_rows_from_bulk_insert:
        raise DemoError(NO_BULK_RETURNING)
    if not 1 <= villages <= MAX_VILLAGES:
        raise DemoError(TOO_MANY_VILLAGES % {"max": MAX_VILLAGES})
    try:
        for username in DEMO_USERNAMES:
            validate_password(password, User(username=username))
    except ValidationError as error:
        raise DemoError(PASSWORD_REJECTED % {"reasons": " ".join(error.messages)}) from error


# Models whose audit history goes with them: SQLite reuses the ids of an emptied table, and a
# new demo village must not inherit the history of a deleted one.
RESET_HISTORY = (
    County,
    Township,
    Village,
    Branch,
    Campaign,
    Election,
    InspectionGroup,
    Person,
    Candidacy,
    Audit,
    AuditFinding,
    Petition,
    PetitionEvent,
    PetitionAttachment,
    Risk,
    SecretaryAdjustment,
    InspectionVisit,
    TrainingSession,
)


@transaction.atomic
def demo_reset() -> int:
    """Deletes every region, campaign, election and inspection group, what was entered about
    them, the demo users and the users bound to a region; returns how many rows went.

    Certified results are unlocked first, each with an unlock record (the database refuses an
    unlock without one) that the wipe then deletes with the rest. Not audited.
    """
    with disable_auditlog():
        results_unlock_all(reason="演示数据重置")
        Campaign.objects.update(previous=None)
        deleted = sum(queryset.delete()[0] for queryset in _reset_querysets())
        types = ContentType.objects.get_for_models(*RESET_HISTORY).values()
        LogEntry.objects.filter(content_type__in=list(types)).delete()
    return deleted


def results_unlock_all(*, reason: str) -> int:
    """Unlocks every certified result, each with an unlock record in the name of whoever
    certified it last (the database refuses an unlock without one); returns how many. For
    wiping or benchmarking the demo city, whose completed elections come certified."""
    last_by = Certification.objects.filter(election=OuterRef("pk")).order_by("-at").values("by")
    locked = Election.objects.filter(locked=True)
    records = [
        Certification(election_id=pk, action=Certification.Action.UNLOCK, reason=reason, by_id=by)
        for pk, by in locked.annotate(last_by=Subquery(last_by[:1])).values_list("pk", "last_by")
    ]
    Certification.objects.bulk_create(records, batch_size=BATCH_SIZE)
    locked.update(locked=False)
    return len(records)


def _reset_querysets() -> list[QuerySet]:
    # PROTECT foreign keys decide the order: what points at a row goes before it. Rows that
    # CASCADE from these (reviews, notices, steps, ballot lines, tallies) go with them.
    bound = Q(county__isnull=False) | Q(township__isnull=False) | Q(inspection_group__isnull=False)
    return [
        Report.objects.all(),
        MeasureText.objects.all(),
        ReportSection.objects.all(),
        ProgressReport.objects.all(),
        Risk.objects.all(),
        SecretaryAdjustment.objects.all(),
        InspectionVisit.objects.all(),
        TrainingSession.objects.all(),
        Petition.objects.all(),
        Audit.objects.all(),
        CommitteeMember.objects.all(),
        Certification.objects.all(),
        VoteRound.objects.all(),
        Candidacy.objects.all(),
        Person.objects.all(),
        Election.objects.all(),
        Branch.objects.all(),
        Village.objects.all(),
        User.objects.filter(bound | Q(username__in=DEMO_USERNAMES)),
        InspectionGroup.objects.all(),
        Township.objects.all(),
        County.objects.all(),
        Campaign.objects.all(),
    ]
