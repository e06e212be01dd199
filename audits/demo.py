"""The demo city's pre-election audits (a part of ``seed_demo``, listed in its STEPS).

Every village gets an audit in the current campaign. Villages that voted had their audit
done a few days to a month before (先审计后选举); villages still to vote have it in progress
or planned; postponed ones are a mix. About a third of the audits under way or done found
something, and some findings are not rectified yet. Names are invented.
"""

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from audits.models import Audit, AuditFinding, AuditStatus
from candidates.demo import name
from elections.models import Election, ElectionStatus, VillageKind

if TYPE_CHECKING:  # elections.demo lists build_audits in its STEPS
    from elections.demo import DemoCity

BATCH_SIZE = 2000
PERIOD = (date(2021, 1, 1), date(2026, 7, 31))  # the outgoing committee's term, to July
AS_OF = date(2026, 11, 25)  # the demo campaign's last vote so far: nothing is done after it
FINDING_SHARE = 0.3
RECTIFIED_SHARE = 0.85
# (what was found, whether money is involved)
FINDINGS = (
    ("白条入账，报销凭证不规范", True),
    ("村集体资金坐支现金", True),
    ("集体资产未登记入账", True),
    ("机动地发包未经村民代表会议讨论", False),
    ("村内工程项目未按规定公开招标", True),
    ("应收款长期挂账未清收", True),
    ("非生产性开支超出规定标准", True),
    ("集体资源承包合同期限过长、价格偏低", True),
    ("村务财务公开不及时", False),
    ("村干部误工补贴发放未经民主程序", True),
)
# The audit's status by the election's, as weights: (planned, in progress, done).
STATUS_WEIGHTS = {
    ElectionStatus.COMPLETED: (0, 0, 1),
    ElectionStatus.IN_PROGRESS: (0, 2, 3),
    ElectionStatus.NOT_STARTED: (1, 1, 0),
    ElectionStatus.POSTPONED: (3, 5, 2),
}


def build_audits(city: "DemoCity") -> None:
    rng = city.rng("audits")
    current = [e for e in city.elections if e.campaign_id == city.current.pk]
    audits = Audit.objects.bulk_create(
        [_audit(rng, city, election) for election in current], batch_size=BATCH_SIZE
    )
    findings = [
        finding
        for audit in audits
        if audit.status != AuditStatus.PLANNED and rng.random() < FINDING_SHARE
        for finding in _findings(rng, audit)
    ]
    AuditFinding.objects.bulk_create(findings, batch_size=BATCH_SIZE)


def _money(rng: random.Random, median: float, spread: float) -> Decimal:
    return Decimal(round(rng.lognormvariate(math.log(median), spread), 2)).quantize(Decimal("0.01"))


def _audit(rng: random.Random, city: "DemoCity", election: Election) -> Audit:
    village = election.branch.village
    status = rng.choices(list(AuditStatus), weights=STATUS_WEIGHTS[election.status])[0]
    community = village.kind == VillageKind.COMMUNITY
    county = village.township.county.name
    audit = Audit(
        campaign=city.current,
        village=village,
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        auditors=f"{county}农村经营管理站 {name(rng)}、{name(rng)}",
        status=status,
        completed_on=_completed_on(rng, election) if status == AuditStatus.DONE else None,
    )
    if status != AuditStatus.PLANNED:
        audit.funds = _money(rng, 1_500_000 if community else 600_000, 0.8)
        audit.assets = _money(rng, 8_000_000 if community else 3_000_000, 0.9)
        audit.resources = _resources(rng, community)
    return audit


def _completed_on(rng: random.Random, election: Election) -> date:
    """A few days to a month before the vote (or its plan), never before the period ends."""
    vote = election.held_date or election.planned_date or date(2026, 10, 31)
    day = max(vote - timedelta(days=rng.randint(5, 30)), PERIOD[1] + timedelta(days=10))
    return min(day, AS_OF - timedelta(days=5))


def _resources(rng: random.Random, community: bool) -> str:
    if community:
        return f"集体经营性用房{rng.randint(300, 6000)}平方米"
    parts = [f"耕地{rng.randint(300, 5000)}亩"]
    if rng.random() < 0.5:
        parts.append(f"林地{rng.randint(20, 800)}亩")
    if rng.random() < 0.3:
        parts.append(f"坑塘水面{rng.randint(5, 200)}亩")
    return "、".join(parts)


def _findings(rng: random.Random, audit: Audit) -> list[AuditFinding]:
    findings = []
    for description, money in rng.sample(FINDINGS, rng.choice((1, 1, 1, 2, 2, 3))):
        rectified = audit.status == AuditStatus.DONE and rng.random() < RECTIFIED_SHARE
        rectified_on = None
        if rectified:
            rectified_on = min(audit.completed_on + timedelta(days=rng.randint(1, 4)), AS_OF)
        findings.append(
            AuditFinding(
                audit=audit,
                description=description,
                amount=_money(rng, 20_000, 1.0) if money else Decimal("0.00"),
                responsible_name=name(rng) if rng.random() < 0.7 else "",
                rectified=rectified,
                rectified_on=rectified_on,
            )
        )
    return findings
