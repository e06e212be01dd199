"""The report's statistical tables as data, shared by the PDF and the workbook so that both print
the same rows and columns.

Each table has a row per unit (county, or township in a county's report) and a total row. The
total row is the scope's own figures from the snapshot, never a sum of the unit rows: shares and
mean ages cannot be summed, and a unit's figures may count what no unit row shows.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from candidates.models import Source
from elections.models import Method
from reports.models import Report

COUNT = "count"
SHARE = "share"
AGE = "age"

Value = int | Decimal | None


@dataclass(frozen=True)
class Column:
    key: str  # a figure key of docs/figures.md
    header: str  # the whole header, as the workbook prints it
    group: str = ""  # the PDF's two-row header: the group spans its columns ...
    sub: str = ""  # ... and each column says what it holds under it
    kind: str = COUNT


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    values: list[Value]
    is_total: bool = False


@dataclass(frozen=True)
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class Table:
    slug: str
    number: int
    title: str
    unit_header: str
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None

    @property
    def caption(self) -> str:
        return _("Table %(number)d %(title)s") % {"number": self.number, "title": self.title}

    @property
    def sheet_name(self) -> str:
        """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
        name = "".join(" " if c in "[]:*?/\\" else c for c in self.title)
        return name[:31]

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, self.total] if self.total else list(self.rows)

    def header_rows(self) -> list[list[HeaderCell]]:
        """One header row, or two when some columns are grouped (the group over its columns)."""
        if not any(c.group for c in self.columns):
            return [[HeaderCell(self.unit_header)] + [HeaderCell(c.header) for c in self.columns]]
        top = [HeaderCell(self.unit_header, rowspan=2)]
        bottom = []
        for column in self.columns:
            if not column.group:
                top.append(HeaderCell(column.header, rowspan=2))
            elif top[-1].text == column.group and top[-1].rowspan == 1:
                top[-1] = HeaderCell(column.group, colspan=top[-1].colspan + 1)
            else:
                top.append(HeaderCell(column.group))
            if column.group:
                bottom.append(HeaderCell(column.sub))
        return [top, bottom]


def number(value: object) -> Value:
    """A figure of the snapshot as a number: counts are ints, shares and ages Decimal strings."""
    if value is None or isinstance(value, int | Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


# Columns ----------------------------------------------------------------------------------


def count(key: str, header: str) -> list[Column]:
    return [Column(key, header)]


def share(key: str, header: str) -> list[Column]:
    return [Column(key, _("%(label)s (%%)") % {"label": header}, kind=SHARE)]


def age(key: str, header: str) -> list[Column]:
    return [Column(key, header, kind=AGE)]


def with_share(key: str, label: str) -> list[Column]:
    """A count and its share, under one group header."""
    named = {"label": label}
    return [
        Column(key, _("%(label)s: number") % named, group=label, sub=_("Count")),
        Column(
            f"{key}_share",
            _("%(label)s: share (%%)") % named,
            group=label,
            sub=_("Share (%)"),
            kind=SHARE,
        ),
    ]


def _sources(prefix: str) -> list[Column]:
    return [c for s in Source for c in with_share(f"{prefix}_source_{s.value}", str(s.label))]


def table_specs() -> list[tuple[str, str, list[Column]]]:
    """(slug, title, columns) of every table, in the report's order."""
    methods = [c for m in Method for c in with_share(f"method_{m.value}", str(m.label))]
    return [
        (
            "completion",
            _("Completion of the elections"),
            count("elections_total", _("Party organizations"))
            + count("elections_completed", _("Completed on time"))
            + count("elections_postponed", _("Postponed"))
            + share("completion_rate", _("Completion rate")),
        ),
        (
            "methods",
            _("Election methods"),
            count("elections_completed", _("Completed elections")) + methods,
        ),
        (
            "members",
            _("Structure of the new committees"),
            count("members", _("Members of the committees"))
            + age("members_mean_age", _("Mean age"))
            + with_share("members_age_35_or_under", _("Aged 35 or under"))
            + with_share("members_age_45_or_under", _("Aged 45 or under"))
            + with_share("members_age_55_or_over", _("Aged 55 or over"))
            + with_share("members_bachelors", _("Bachelor's degree"))
            + with_share("members_college_or_above", _("Junior college or above"))
            + with_share("members_women", _("Women")),
        ),
        (
            "secretaries",
            _("Secretaries of village and community Party organizations"),
            count("secretaries", _("Secretaries"))
            + with_share("secretaries_strong_two", _("Strong in two respects"))
            + with_share("secretaries_college_or_above", _("Junior college or above"))
            + age("secretaries_mean_age", _("Mean age"))
            + with_share("secretaries_age_45_or_under", _("Aged 45 or under")),
        ),
        (
            "rural_secretaries",
            _("Secretaries of village Party organizations"),
            count("rural_secretaries", _("Village secretaries"))
            + age("rural_secretaries_mean_age", _("Mean age"))
            + with_share("rural_secretaries_age_40_or_under", _("Aged 40 or under"))
            + with_share("rural_secretaries_age_41_to_54", _("Aged 41 to 54"))
            + with_share("rural_secretaries_age_55_or_over", _("Aged 55 or over"))
            + with_share("rural_secretaries_new", _("Newly appointed"))
            + age("rural_secretaries_new_mean_age", _("Mean age of the new")),
        ),
        (
            "member_sources",
            _("Sources of the committee members"),
            count("members", _("Members of the committees")) + _sources("members"),
        ),
        (
            "secretary_sources",
            _("Sources of the secretaries"),
            count("secretaries", _("Secretaries")) + _sources("secretaries"),
        ),
    ]


# Tables -----------------------------------------------------------------------------------


def _row(code: str, name: str, figures: dict, columns: list[Column], *, total: bool) -> Row:
    values = [number(figures.get(c.key)) for c in columns]
    return Row(code=code, name=name, values=values, is_total=total)


def unit_header(*, per_township: bool) -> str:
    return _("Township") if per_township else _("County")


def build_tables(figures: dict, units: list[dict], *, per_township: bool) -> list[Table]:
    """Every table for a snapshot: ``figures`` of the scope (the total row) and ``units``
    ({"code", "name", "figures"}, one row each, in the snapshot's order)."""
    tables = []
    for number_, (slug, title, columns) in enumerate(table_specs(), start=1):
        table = Table(
            slug=slug,
            number=number_,
            title=title,
            unit_header=unit_header(per_township=per_township),
            columns=columns,
        )
        table.rows = [
            _row(u.get("code", ""), u["name"], u.get("figures") or {}, columns, total=False)
            for u in units
        ]
        table.total = _row("", _("Total"), figures, columns, total=True)
        tables.append(table)
    return tables


def report_tables(report: Report) -> list[Table]:
    """The tables of a ``reports.models.Report`` snapshot."""
    return build_tables(
        report.figures or {}, report.units or [], per_township=report.county_id is not None
    )
