"""Demo petitions for ``seed_demo``: the seed report's figures, and every state on show.

The report: 32 petitions to the city during the campaign, 60% of the previous campaign's
(so 53 then), and no group visit of 10 or more people to the city. Counties and townships
receive their own. The previous campaign's petitions are all dealt with; the current one's
stand as on ``STORY_DAY``, near the end of the campaign: most answered or closed, a few
waiting for their decision or their answer past the deadline, a few extended, some declined,
some transferred, and recent ones still in time.

For the demo township user: two petitions its township registered (visible to it), and
petitions about its own villages registered by the county and the city, which it never sees.
Rows are written in bulk (like the rest of the demo), without audit-log entries.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from accounts.models import User
from candidates.demo import name as person_name
from elections.models import Election, Township, Village
from petitions import deadlines
from petitions.models import (
    NUMBER_WORD,
    Category,
    Channel,
    EventAction,
    Holiday,
    Level,
    Petition,
    PetitionEvent,
    Status,
)

if TYPE_CHECKING:
    from elections.demo import DemoCity

TO_CITY_CURRENT = 32
TO_CITY_SHARE_OF_PREVIOUS = 0.6
STORY_DAY = date(2026, 11, 27)
WINDOWS = {
    "previous": (date(2020, 11, 2), date(2021, 5, 20)),
    "current": (date(2026, 8, 3), date(2026, 11, 10)),
}
RECENT = (date(2026, 11, 16), date(2026, 11, 25))  # still in time on the story day
CHANNEL_WEIGHTS = {
    Channel.LETTER: 5,
    Channel.CALL: 3,
    Channel.VISIT: 4,
    Channel.ONLINE: 5,
    Channel.MAILBOX: 2,
    Channel.HOTLINE: 3,
}
CATEGORY_WEIGHTS = {
    Category.ELECTION_DISCIPLINE: 5,
    Category.CANDIDATE_ELIGIBILITY: 6,
    Category.PROCEDURE: 3,
    Category.VOTE_BUYING: 4,
    Category.CLAN_INTERFERENCE: 2,
    Category.OTHER: 3,
}
CONTENT = {
    Category.ELECTION_DISCIPLINE: "反映{v}在换届期间有人违规打招呼、拉票，请求调查处理。",
    Category.CANDIDATE_ELIGIBILITY: "反映{v}初步人选曾受党纪处分、影响期未满，不符合人选资格条件。",
    Category.PROCEDURE: "反映{v}党员大会到会人数未达应到会人数五分之四即进行选举，程序不规范。",
    Category.VOTE_BUYING: "反映{v}有人以请客送礼、发放红包方式拉票贿选。",
    Category.CLAN_INTERFERENCE: "反映{v}宗族势力干扰换届选举，威胁部分党员投票。",
    Category.OTHER: "咨询{v}换届选举时间安排及流动党员参会方式。",
}
DECLINE_REASONS = (
    "反映事项已通过复查程序作出结论，信访人无新的事实和理由。",
    "反映事项属于村民委员会选举，不属于党组织换届工作范围，已告知信访人向民政部门反映。",
)
TRANSFER_TO = ("县纪委监委", "县公安局", "县民政局")
APPROVERS = ("县委组织部部长 王志刚", "市委组织部副部长 陈建华")
EXTENSION_REASONS = ("涉及多名党员，需逐一调查核实", "需等待审计结论后作出答复")

# What happens to a petition, by campaign: (fate, weight).
PAST_FATES = (("closed", 14), ("declined", 2), ("transferred_closed", 2), ("extended_closed", 1))
CURRENT_FATES = (
    ("closed", 10),
    ("answered", 4),
    ("declined", 1),
    ("transferred_closed", 1),
    ("extended_closed", 1),
    ("investigating", 2),
)
# Exact numbers of the states a demo must show, among the current campaign's petitions.
SHOWN = (
    ("decision_overdue", 3),
    ("settle_overdue", 2),
    ("extended_open", 2),
    ("recent", 4),
    ("transferred_open", 1),
    ("declined", 1),
)


@dataclass
class Plan:
    level: str
    received_on: date
    village: Village | None
    receiving_township: Township | None = None
    fate: str = "closed"
    by: User | None = None
    county_id: int | None = None
    about_township_id: int | None = None
    people: int = 1
    channel: str = Channel.LETTER
    fixed: bool = False  # the received date is set on purpose
    events: list[tuple[str, date, str]] = field(default_factory=list)


def build_petitions(city: "DemoCity") -> None:
    rng = city.rng("petitions")
    cal = Holiday.objects.calendar()
    users = {user.username: user for user in city.users}
    elections = _elections_by_village(city)
    plans = _plans(rng, city, users)
    petitions, events = [], []
    serials: dict[tuple[int, str], int] = {}
    for plan in sorted(plans, key=lambda p: (p.received_on, p.level)):
        petition = _petition(rng, plan, cal, elections)
        key = (plan.received_on.year, plan.level)
        serials[key] = serials.get(key, 0) + 1
        petition.year, petition.serial = key[0], serials[key]
        petition.number = f"{key[0]}-{NUMBER_WORD[plan.level]}-{serials[key]:04d}"
        petitions.append(petition)
        events.append(plan.events)
    Petition.objects.bulk_create(petitions, batch_size=1000)
    PetitionEvent.objects.bulk_create(
        [
            PetitionEvent(petition=petition, action=action, on=on, note=note, by=petition.by)
            for petition, steps in zip(petitions, events, strict=True)
            for action, on, note in steps
        ],
        batch_size=2000,
    )


def _elections_by_village(city: "DemoCity") -> dict[int, list[Election]]:
    elections: dict[int, list[Election]] = {}
    for election in city.elections:
        elections.setdefault(election.branch.village_id, []).append(election)
    return elections


# Who receives what -----------------------------------------------------------------------


def _plans(rng: random.Random, city: "DemoCity", users: dict[str, User]) -> list[Plan]:
    county_level = max(len(city.counties), round(city.size * 0.03))
    township_level = max(2, round(city.size * 0.015))
    parts = (
        ("previous", round(TO_CITY_CURRENT / TO_CITY_SHARE_OF_PREVIOUS), 0.8, PAST_FATES),
        ("current", TO_CITY_CURRENT, 1.0, CURRENT_FATES),
    )
    plans = []
    for part, to_city, share, fates in parts:
        window = WINDOWS[part]
        batch = [_city_plan(rng, city, window) for _ in range(to_city)]
        batch += [_county_plan(rng, city, window) for _ in range(round(county_level * share))]
        batch += [_township_plan(rng, city, window) for _ in range(round(township_level * share))]
        for plan in batch:
            plan.fate = _weighted(rng, fates)
        if part == "current":
            _show_every_state(rng, batch)
        plans += batch
    plans += _demo_township_plans(rng, city)
    for plan in plans:
        _fit_received(rng, plan)
        plan.by = _recorder(plan, city, users)
    return plans


# Fates that need the petition received in a given window to stand as they should on the
# story day (overdue, still in time, extended and still running).
FATE_WINDOWS = {
    "decision_overdue": (date(2026, 10, 12), date(2026, 11, 2)),
    "settle_overdue": (date(2026, 8, 3), date(2026, 9, 10)),
    "extended_open": (date(2026, 9, 1), date(2026, 9, 20)),
    "recent": RECENT,
    "transferred_open": RECENT,
}


def _fit_received(rng: random.Random, plan: Plan) -> None:
    if plan.fate in FATE_WINDOWS and not plan.fixed:
        plan.received_on = _day(rng, FATE_WINDOWS[plan.fate])
    elif plan.fate == "investigating":
        # Accepted late enough that its 60 days run past the story day.
        plan.received_on = max(plan.received_on, STORY_DAY - timedelta(days=50))


def _weighted(rng: random.Random, weights: tuple[tuple[str, int], ...] | dict) -> str:
    pairs = list(weights.items()) if isinstance(weights, dict) else list(weights)
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _day(rng: random.Random, window: tuple[date, date]) -> date:
    return window[0] + timedelta(days=rng.randint(0, (window[1] - window[0]).days))


def _city_plan(rng: random.Random, city: "DemoCity", window: tuple[date, date]) -> Plan:
    village = rng.choice(city.villages)
    channel = _weighted(rng, CHANNEL_WEIGHTS)
    # Group visits to the city stay under 10 people, as in the report.
    people = rng.choice((2, 3, 5, 6, 8)) if channel == Channel.VISIT and rng.random() < 0.4 else 1
    return Plan(Level.CITY, _day(rng, window), village, channel=channel, people=people)


def _county_plan(rng: random.Random, city: "DemoCity", window: tuple[date, date]) -> Plan:
    village = rng.choice(city.villages)
    channel = _weighted(rng, CHANNEL_WEIGHTS)
    people = rng.choice((2, 4, 12)) if channel == Channel.VISIT and rng.random() < 0.3 else 1
    return Plan(Level.COUNTY, _day(rng, window), village, channel=channel, people=people)


def _township_plan(rng: random.Random, city: "DemoCity", window: tuple[date, date]) -> Plan:
    """Received by a township about nothing of its own: a general question, or a village of
    another township of the county, which it transfers to the county."""
    township = rng.choice(city.townships)
    others = [v for v in city.villages if v.township.county_id == township.county_id]
    others = [v for v in others if v.township_id != township.pk]
    village = rng.choice(others) if others and rng.random() < 0.5 else None
    return Plan(
        Level.TOWNSHIP,
        _day(rng, window),
        village,
        receiving_township=township,
        channel=rng.choice((Channel.LETTER, Channel.VISIT, Channel.CALL)),
    )


def _show_every_state(rng: random.Random, current: list[Plan]) -> None:
    """Gives a fixed number of the current petitions each state a demo must show."""
    picks = rng.sample(current, min(len(current), sum(n for _f, n in SHOWN)))
    for fate, count in SHOWN:
        for plan in picks[:count]:
            plan.fate = fate
        picks = picks[count:]


def _demo_township_plans(rng: random.Random, city: "DemoCity") -> list[Plan]:
    """What the demo township user sees (its own two) and never sees (about its villages)."""
    user = next((u for u in city.users if u.username == "township"), None)
    if user is None:
        return []
    own = [v for v in city.villages if v.township_id == user.township_id]
    county = [v for v in city.villages if v.township.county_id == user.township.county_id]
    others = [v for v in county if v.township_id != user.township_id]
    township = user.township
    other = rng.choice(others) if others else None
    plans = [
        Plan(Level.TOWNSHIP, date(2026, 9, 8), None, township, fate="closed", fixed=True),
        Plan(Level.TOWNSHIP, date(2026, 11, 18), other, township, fate="transferred_open"),
    ]
    if own:
        plans += [
            Plan(Level.COUNTY, date(2026, 10, 12), rng.choice(own), fate="investigating"),
            Plan(Level.COUNTY, date(2026, 11, 4), rng.choice(own), fate="decision_overdue"),
        ]
    for plan in plans:
        plan.fixed = True
    return plans


def _recorder(plan: Plan, city: "DemoCity", users: dict[str, User]) -> User:
    """Who recorded it: the demo user of that unit where there is one, else the admin."""
    county = plan.village.township.county_id if plan.village else None
    if plan.receiving_township is not None:
        county = plan.receiving_township.county_id
    if plan.level == Level.CITY:
        return users["city"]
    township = users["township"]
    if plan.level == Level.TOWNSHIP and plan.receiving_township.pk == township.township_id:
        return township
    if county == users["county"].county_id:
        return users["county"]
    return users["admin"]


# A petition and its steps -----------------------------------------------------------------


def _petition(
    rng: random.Random,
    plan: Plan,
    cal: deadlines.Calendar,
    elections: dict[int, list[Election]],
) -> Petition:
    village = plan.village
    category = _weighted(rng, CATEGORY_WEIGHTS)
    real_name = rng.random() < 0.7
    where = village.name if village else (plan.receiving_township.name + "辖区")
    petition = Petition(
        level=plan.level,
        county_id=_county_id(plan),
        receiving_township=plan.receiving_township,
        channel=plan.channel,
        received_on=plan.received_on,
        real_name=real_name,
        petitioner_name=person_name(rng) if real_name else "",
        petitioner_phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if real_name else "",
        people_count=plan.people,
        category=category,
        about_township_id=village.township_id if village else None,
        village=village,
        election=_election(village, plan.received_on, elections),
        content=CONTENT[category].format(v=where),
        registered_by=plan.by,
    )
    petition.by = plan.by
    _FATES[plan.fate](rng, petition, plan, cal)
    plan.events.insert(0, (EventAction.REGISTERED, plan.received_on, ""))
    return petition


def _county_id(plan: Plan) -> int | None:
    if plan.receiving_township is not None:
        return plan.receiving_township.county_id
    return plan.village.township.county_id if plan.village else None


def _election(
    village: Village | None, day: date, elections: dict[int, list[Election]]
) -> Election | None:
    if village is None:
        return None
    for election in elections.get(village.pk, ()):
        if election.campaign.start_date <= day <= election.campaign.end_date:
            return election
    return None


def _set_due(petition: Petition, cal: deadlines.Calendar) -> None:
    start = petition.transferred_on or petition.received_on
    petition.decision_due = deadlines.decision_due(start, calendar=cal).due
    if petition.decided_on and petition.status != Status.DECLINED:
        petition.settle_due = deadlines.settle_due(
            petition.decided_on, petition.extension_days or 0, calendar=cal
        ).due


def _after(day: date, low: int, high: int, rng: random.Random) -> date:
    """A few days after ``day``, never after the story day (nothing happens in the future)."""
    return min(day + timedelta(days=rng.randint(low, high)), max(day, STORY_DAY))


def _accept(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar, on: date) -> None:
    p.status, p.decided_on = Status.ACCEPTED, on
    plan.events.append((EventAction.ACCEPTED, on, ""))
    _set_due(p, cal)


def _investigate(rng: random.Random, p: Petition, plan: Plan, on: date) -> None:
    p.status, p.investigation_started_on = Status.INVESTIGATING, on
    plan.events.append((EventAction.INVESTIGATING, on, "由县委组织部会同乡镇党委调查核实"))


def _answer(rng: random.Random, p: Petition, plan: Plan, on: date) -> None:
    p.status, p.answered_on = Status.ANSWERED, on
    p.answer = "经调查核实，反映问题部分属实，已责成乡镇党委督促整改，并向信访人当面反馈。"
    plan.events.append((EventAction.ANSWERED, on, ""))


def _close(p: Petition, plan: Plan, on: date) -> None:
    p.status, p.closed_on = Status.CLOSED, on
    plan.events.append((EventAction.CLOSED, on, "信访人对答复表示满意"))


def _settled(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar, close: bool):
    _accept(rng, p, plan, cal, _after(p.received_on, 1, 10, rng))
    _investigate(rng, p, plan, _after(p.decided_on, 1, 5, rng))
    answered = min(_after(p.investigation_started_on, 8, 40, rng), p.settle_due)
    _answer(rng, p, plan, answered)
    if close:
        _close(p, plan, _after(answered, 2, 12, rng))


def _fate_closed(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar) -> None:
    _settled(rng, p, plan, cal, close=True)


def _fate_answered(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar) -> None:
    _settled(rng, p, plan, cal, close=False)


def _fate_declined(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar) -> None:
    on = _after(p.received_on, 3, 12, rng)
    p.status, p.decided_on, p.decline_reason = Status.DECLINED, on, rng.choice(DECLINE_REASONS)
    plan.events.append((EventAction.DECLINED, on, p.decline_reason))
    _set_due(p, cal)


def _transfer(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar) -> None:
    on = _after(p.received_on, 1, 5, rng)
    to = "县委组织部" if p.level == Level.TOWNSHIP else rng.choice(TRANSFER_TO)
    p.status, p.transferred_to, p.transferred_on = Status.TRANSFERRED, to, on
    plan.events.append((EventAction.TRANSFERRED, on, to))
    _set_due(p, cal)


def _fate_transferred_closed(
    rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar
) -> None:
    _transfer(rng, p, plan, cal)
    _close(p, plan, _after(p.transferred_on, 20, 40, rng))
    plan.events[-1] = (EventAction.CLOSED, p.closed_on, f"{p.transferred_to}已办结并反馈")


def _fate_transferred_open(
    rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar
) -> None:
    _transfer(rng, p, plan, cal)


def _extend(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar) -> None:
    on = min(p.settle_due - timedelta(days=rng.randint(2, 8)), STORY_DAY)
    on = max(on, p.investigation_started_on)
    p.extension_days = rng.choice((15, 20, 30))
    p.extension_reason = rng.choice(EXTENSION_REASONS)
    p.extension_approved_by, p.extension_approved_on = rng.choice(APPROVERS), on
    note = f"{p.extension_days}天；{p.extension_approved_by}批准：{p.extension_reason}"
    plan.events.append((EventAction.EXTENDED, on, note))
    _set_due(p, cal)


def _fate_extended_closed(
    rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar
) -> None:
    _accept(rng, p, plan, cal, _after(p.received_on, 1, 10, rng))
    _investigate(rng, p, plan, _after(p.decided_on, 1, 5, rng))
    _extend(rng, p, plan, cal)
    answered = min(_after(p.extension_approved_on, 5, 25, rng), p.settle_due)
    _answer(rng, p, plan, answered)
    _close(p, plan, _after(answered, 2, 10, rng))


def _fate_investigating(
    rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar
) -> None:
    _accept(rng, p, plan, cal, _after(p.received_on, 1, 8, rng))
    _investigate(rng, p, plan, _after(p.decided_on, 1, 4, rng))


def _fate_settle_overdue(
    rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar
) -> None:
    _accept(rng, p, plan, cal, _after(p.received_on, 2, 10, rng))
    _investigate(rng, p, plan, _after(p.decided_on, 1, 5, rng))


def _fate_extended_open(
    rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar
) -> None:
    _accept(rng, p, plan, cal, _after(p.received_on, 2, 8, rng))
    _investigate(rng, p, plan, _after(p.decided_on, 1, 5, rng))
    _extend(rng, p, plan, cal)
    p.extension_days = 30
    _set_due(p, cal)
    plan.events[-1] = (
        EventAction.EXTENDED,
        p.extension_approved_on,
        f"30天；{p.extension_approved_by}批准：{p.extension_reason}",
    )


def _fate_decision_overdue(
    rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar
) -> None:
    _set_due(p, cal)


def _fate_recent(rng: random.Random, p: Petition, plan: Plan, cal: deadlines.Calendar) -> None:
    _set_due(p, cal)


_FATES: dict[str, Callable[[random.Random, Petition, Plan, deadlines.Calendar], None]] = {
    "closed": _fate_closed,
    "answered": _fate_answered,
    "declined": _fate_declined,
    "transferred_closed": _fate_transferred_closed,
    "transferred_open": _fate_transferred_open,
    "extended_closed": _fate_extended_closed,
    "extended_open": _fate_extended_open,
    "investigating": _fate_investigating,
    "settle_overdue": _fate_settle_overdue,
    "decision_overdue": _fate_decision_overdue,
    "recent": _fate_recent,
}
