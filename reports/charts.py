"""The report's charts, drawn on the server as SVG with matplotlib.

WeasyPrint runs no JavaScript, so browser chart libraries draw nothing in the PDF. Text stays
text (``svg.fonttype='none'``: smaller and faster than paths) in the CJK font, which must be
installed (Debian's fonts-noto-cjk, scripts/install-system-packages.sh). The SVG is rewritten
with presentation attributes instead of ``style`` so that the browser page's Content Security
Policy (no inline styles) draws it as the PDF does.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import matplotlib

matplotlib.use("Agg")

from django.utils.translation import gettext as _
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from candidates.models import Source
from elections.models import Method
from reports.tables import number

Draw = Callable[[Axes], None]

CJK_FONT = "Noto Sans CJK SC"
FONT_MISSING = (
    "The CJK font “Noto Sans CJK SC” is not installed: install Debian's fonts-noto-cjk "
    "(scripts/install-system-packages.sh) so that charts can print Chinese."
)
RED, GREY, GOLD = "#b3261e", "#9e9e9e", "#c9a227"
WIDTH = 6.3  # inches: the text width of an A4 page with 2 cm margins, less a little


class ChartFontMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    svg: str


@cache
def cjk_font() -> str:
    """The CJK font's family name as matplotlib knows it; fails clearly when it is absent."""
    if not any(f.name == CJK_FONT for f in font_manager.fontManager.ttflist):
        raise ChartFontMissing(FONT_MISSING)
    return CJK_FONT


def _rc() -> dict:
    return {
        "font.family": [cjk_font(), "sans-serif"],
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 9,
        "svg.fonttype": "none",
        "text.parse_math": False,  # a "$" in a name is text, not mathtext
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.unicode_minus": False,
    }


# SVG clean-up ---------------------------------------------------------------------------

STYLE = re.compile(r'style="([^"]*)"')
DROP = (
    re.compile(r"<\?xml[^>]*>\s*"),
    re.compile(r"<!DOCTYPE[^>]*>\s*"),
    re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL),
    re.compile(r'<style type="text/css">[^<]*</style>\s*'),
    re.compile(r"<defs>\s*</defs>\s*"),
    re.compile(r' id="(?:figure|patch|axes|matplotlib\.axis|[xy]tick|line2d|text|legend)[^"]*"'),
)


def _attributes(match: re.Match) -> str:
    pairs = (item.split(":", 1) for item in match.group(1).split(";") if ":" in item)
    return " ".join(f'{name.strip()}="{value.strip()}"' for name, value in pairs)


def clean_svg(svg: str) -> str:
    """Inline-ready SVG: no prolog or metadata, no <style>, style="" turned into attributes."""
    for pattern in DROP:
        svg = pattern.sub("", svg)
    svg = STYLE.sub(_attributes, svg)
    svg = svg.replace(" \n", " ").replace("<svg ", '<svg stroke-linejoin="round" ', 1)
    return re.sub(r">\s+<", "><", svg).strip()


def text_width(text: str, size: float = 9) -> float:
    """Inches a label takes: CJK characters are one em wide, others about half. An estimate,
    so that the margins need no extra drawing pass (tight_layout draws the chart twice)."""
    ems = sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in text)
    return ems * size / 72


def _render(
    slug: str,
    draw: Draw,
    height: float,
    *,
    left: float = 0.6,
    bottom: float = 0.3,
    legend: bool = False,
) -> str:
    """``left`` and ``bottom``: inches for the axis labels; ``legend``: room above the axes."""
    with matplotlib.rc_context({**_rc(), "svg.hashsalt": slug}):
        figure = Figure(figsize=(WIDTH, height))
        top = 0.3 if legend else 0.1
        figure.subplots_adjust(
            left=(left + 0.1) / WIDTH, right=0.97, bottom=bottom / height, top=1 - top / height
        )
        draw(figure.add_subplot())
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return clean_svg(out.getvalue())


# Chart helpers --------------------------------------------------------------------------


def _int(figures: dict, key: str) -> int:
    value = number(figures.get(key))
    return int(value) if value is not None else 0


def _with_share(count: int, share: object) -> str:
    return str(count) if share is None else f"{count} ({share}%)"


def _hbars(labels: list[str], values: list[float], texts: list[str], color: str = RED) -> Draw:
    """Horizontal bars, first label on top, each bar labelled at its end."""

    def draw(ax: Axes) -> None:
        bars = ax.barh(labels[::-1], values[::-1], color=color, height=0.6)
        ax.bar_label(bars, labels=texts[::-1], padding=3, fontsize=8)
        ax.set_xlim(0, (max(values) if values else 0) * 1.18 or 1)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)

    return draw


def _left(labels: list[str]) -> float:
    return max((text_width(label) for label in labels), default=0.3)


def _height(rows: int) -> float:
    return 0.6 + 0.26 * max(rows, 2)


# The charts -----------------------------------------------------------------------------


def completion_by_unit(units: list[dict]) -> Chart | None:
    rated = [(u["name"], number(u["figures"].get("completion_rate"))) for u in units]
    rated = [(name, rate) for name, rate in rated if rate is not None]
    if not rated:
        return None
    draw = _hbars(
        [name for name, _rate in rated],
        [float(rate) for _name, rate in rated],
        [f"{rate}%" for _name, rate in rated],
    )
    title = _("Completion rate by unit (%)")
    return Chart(
        "completion",
        title,
        _render(
            "completion",
            draw,
            _height(len(rated)),
            left=_left([name for name, _rate in rated]),
            bottom=0.1,
        ),
    )


def methods(figures: dict) -> Chart | None:
    if not _int(figures, "elections_completed"):
        return None
    labels = [str(m.label) for m in Method]
    values = [_int(figures, f"method_{m.value}") for m in Method]
    texts = [
        _with_share(v, figures.get(f"method_{m.value}_share"))
        for m, v in zip(Method, values, strict=True)
    ]
    draw = _hbars(labels, values, texts)
    return Chart(
        "methods",
        _("Elections by method"),
        _render("methods", draw, _height(3), left=_left(labels), bottom=0.1),
    )


def member_ages(figures: dict) -> Chart | None:
    """Four bands from the snapshot's cumulative counts: ≤35, 36–45, 46–54, ≥55."""
    total = _int(figures, "members")
    if not total:
        return None
    up_to_35 = _int(figures, "members_age_35_or_under")
    up_to_45 = _int(figures, "members_age_45_or_under")
    from_55 = _int(figures, "members_age_55_or_over")
    values = [up_to_35, up_to_45 - up_to_35, total - up_to_45 - from_55, from_55]
    labels = [_("35 or under"), _("36 to 45"), _("46 to 54"), _("55 or over")]

    def draw(ax: Axes) -> None:
        bars = ax.bar(labels, values, color=RED, width=0.55)
        ax.bar_label(bars, labels=[str(v) for v in values], padding=2, fontsize=8)
        ax.margins(y=0.15)

    title = _("Ages of the committee members (people)")
    return Chart("member_ages", title, _render("member_ages", draw, 2.4))


def sources(figures: dict, prefix: str) -> Chart | None:
    if not _int(figures, prefix):
        return None
    labels = [str(s.label) for s in Source]
    values = [_int(figures, f"{prefix}_source_{s.value}") for s in Source]
    texts = [
        _with_share(v, figures.get(f"{prefix}_source_{s.value}_share"))
        for s, v in zip(Source, values, strict=True)
    ]
    title = {
        "members": _("Committee members by source"),
        "secretaries": _("Secretaries by source"),
    }[prefix]
    slug = f"{prefix}_sources"
    return Chart(
        slug,
        title,
        _render(
            slug, _hbars(labels, values, texts, GOLD), _height(6), left=_left(labels), bottom=0.1
        ),
    )


def rural_secretary_ages(figures: dict) -> Chart | None:
    """Now in three bands; the previous campaign beside the ≥55 band, the one band the
    snapshot keeps for it."""
    if not _int(figures, "rural_secretaries"):
        return None
    keys = ("age_40_or_under", "age_41_to_54", "age_55_or_over")
    labels = [_("40 or under"), _("41 to 54"), _("55 or over")]
    now = [_int(figures, f"rural_secretaries_{k}") for k in keys]
    previous = number(figures.get("rural_secretaries_age_55_or_over_previous"))

    def draw(ax: Axes) -> None:
        shift = 0.2 if previous is not None else 0
        bars = ax.bar(
            [i - shift for i in range(3)], now, width=0.4, color=RED, label=_("This campaign")
        )
        ax.bar_label(bars, padding=2, fontsize=8)
        if previous is not None:
            old = ax.bar(
                [2 + shift], [int(previous)], width=0.4, color=GREY, label=_("Previous campaign")
            )
            ax.bar_label(old, padding=2, fontsize=8)
            ax.legend(frameon=False, fontsize=8, ncols=2, loc="lower left", bbox_to_anchor=(0, 1))
        ax.set_xticks(range(3), labels)
        ax.margins(y=0.15)

    title = _("Ages of the village secretaries (people)")
    return Chart("rural_ages", title, _render("rural_ages", draw, 2.4, legend=True))


def rural_secretary_shares(figures: dict) -> Chart | None:
    """Shares now against the previous campaign, where the snapshot has both."""
    pairs = [
        (_("Local entrepreneurs and returnees"), "rural_secretaries_local_or_returnee_share"),
        (_("Strong in two respects, leading in two"), "rural_secretaries_strong_and_leading_share"),
    ]
    rows = [
        (label, number(figures.get(key)), number(figures.get(f"{key}_previous")))
        for label, key in pairs
    ]
    rows = [row for row in rows if row[1] is not None and row[2] is not None]
    if not rows:
        return None

    def draw(ax: Axes) -> None:
        y = list(range(len(rows)))[::-1]
        now = ax.barh([i + 0.2 for i in y], [float(r[1]) for r in rows], 0.4, color=RED,
                      label=_("This campaign"))  # fmt: skip
        old = ax.barh([i - 0.2 for i in y], [float(r[2]) for r in rows], 0.4, color=GREY,
                      label=_("Previous campaign"))  # fmt: skip
        ax.bar_label(now, labels=[f"{r[1]}%" for r in rows], padding=3, fontsize=8)
        ax.bar_label(old, labels=[f"{r[2]}%" for r in rows], padding=3, fontsize=8)
        ax.set_yticks(y, [r[0] for r in rows])
        ax.set_xlim(0, 118)
        ax.tick_params(axis="y", length=0)
        ax.xaxis.set_visible(False)
        ax.spines["bottom"].set_visible(False)
        ax.legend(frameon=False, fontsize=8, ncols=2, loc="lower left", bbox_to_anchor=(0, 1))

    title = _("Village secretaries now and in the previous campaign (%)")
    return Chart(
        "rural_shares",
        title,
        _render(
            "rural_shares",
            draw,
            _height(2 * len(rows)),
            left=_left([r[0] for r in rows]),
            bottom=0.1,
            legend=True,
        ),
    )


def report_charts(figures: dict, units: list[dict]) -> dict[str, list[Chart]]:
    """The charts of a snapshot, keyed by the slug of the table each one illustrates."""
    by_table = {
        "completion": [completion_by_unit(units)],
        "methods": [methods(figures)],
        "members": [member_ages(figures)],
        "rural_secretaries": [rural_secretary_ages(figures), rural_secretary_shares(figures)],
        "member_sources": [sources(figures, "members")],
        "secretary_sources": [sources(figures, "secretaries")],
    }
    return {slug: [c for c in charts if c is not None] for slug, charts in by_table.items()}
