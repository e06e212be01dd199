"""Progress tables: election status counts per region, computed in the database."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Model

from elections.models import Campaign, ElectionQuerySet, ElectionStatus
from reports.rounding import percent


@dataclass(frozen=True)
class ProgressRow:
    region: Model | None
    total: int
    completed: int
    in_progress: int
    not_started: int
    postponed: int

    @property
    def completion_rate(self) -> Decimal | None:
        return percent(self.completed, self.total)


def _row(region: Model | None, counts: dict | None) -> ProgressRow:
    counts = counts or {}
    return ProgressRow(
        region=region,
        total=counts.get("total", 0),
        completed=counts.get(ElectionStatus.COMPLETED, 0),
        in_progress=counts.get(ElectionStatus.IN_PROGRESS, 0),
        not_started=counts.get(ElectionStatus.NOT_STARTED, 0),
        postponed=counts.get(ElectionStatus.POSTPONED, 0),
    )


def progress_by(
    elections: ElectionQuerySet, campaign: Campaign, regions: list[Model], region_path: str
) -> tuple[list[ProgressRow], ProgressRow]:
    """One row per region (in the order given, regions without elections included) and a total.

    ``region_path`` leads from an election to the region's id, e.g.
    ``"branch__village__township__county"``. Two queries whatever the number of regions.
    """
    grouped = {
        c[region_path]: c for c in elections.for_campaign(campaign).status_counts(region_path)
    }
    rows = [_row(region, grouped.get(region.pk)) for region in regions]
    keys = ("total", *ElectionStatus.values)
    total = {key: sum(c[key] for c in grouped.values()) for key in keys}
    return rows, _row(None, total)
