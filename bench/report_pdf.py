"""Times the city's research report PDF (and the workbook) on a city-sized snapshot.

Builds the demo city if the database has none (``manage.py seed_demo``), computes the figures
for the city and each county with ``compute_figures``, writes part 2 texts for every county and
heading and part 3 sections (as the city would), saves a ``Report`` and renders it. Prints the
seconds to render the PDF, its page count and size. It writes to the database the settings
point at: use a scratch one, for instance

    DATA_DIR=$(mktemp -d) .venv/bin/python bench/report_pdf.py --migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_bench \\
        .venv/bin/python bench/report_pdf.py --migrate
"""

import argparse
import json
import logging
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.serializers.json import DjangoJSONEncoder  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from elections.models import Campaign, County  # noqa: E402
from reports.excel import render_xlsx  # noqa: E402
from reports.models import MeasureHeading, MeasureText, Report, ReportSection  # noqa: E402
from reports.pdf import render_pdf  # noqa: E402
from reports.statistics import compute_figures  # noqa: E402

# Part 2 and part 3 in the length and manner of the seed's report (a county's text runs to a
# few sentences under each heading; the city's part 3 to five sections of one paragraph).
MEASURE = (
    "{county}坚持把{title}作为换届工作的重要环节，成立专门工作小组，逐村分析研判，"
    "做到底数清、情况明、措施实。各乡镇(街道)结合实际制定工作方案，明确责任人和时间节点，"
    "县委组织部全程跟踪指导，及时协调解决工作中遇到的困难和问题，确保各项要求落到实处。"
)
SECTION = (
    "巩固换届成果，把新班子建设作为基层党建的重点任务，健全制度、强化培训、严格管理，"
    "推动村(社区)党组织书记队伍整体素质不断提升。坚持问题导向，对换届中发现的薄弱环节"
    "逐项建立台账，明确整改时限和责任单位，做到件件有落实、事事有回音。"
)
SECTIONS = (
    "一、实施星级化管理，夯实基层组织",
    "二、试行职业化培养，建强书记队伍",
    "三、加强规范化建设，做优服务平台",
    "四、开展品牌化创建，树好党建典型",
    "五、采取百分制考核，健全责任体系",
)


def snapshot(figures: dict) -> dict:
    """As Report.figures stores them: Decimals as strings, missing as null."""
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def write_texts(campaign: Campaign, author: User) -> None:
    for county in County.objects.order_by("code"):
        for heading in MeasureHeading.objects.all():
            text = MEASURE.format(county=county.name, title=heading.title)
            MeasureText.objects.update_or_create(
                campaign=campaign,
                county=county,
                heading=heading,
                defaults={"text": text, "updated_by": author},
            )
    for order, title in enumerate(SECTIONS, start=1):
        ReportSection.objects.update_or_create(
            campaign=campaign,
            order=order,
            defaults={"title": title, "body": "\n".join([SECTION] * 3), "updated_by": author},
        )


def build_report(campaign: Campaign, author: User) -> Report:
    city = User(role=Role.CITY, is_active=True)
    started = time.perf_counter()
    figures = compute_figures(campaign=campaign, user=city)
    units = [
        {
            "code": county.code,
            "name": county.name,
            "figures": snapshot(compute_figures(campaign=campaign, user=city, county=county)),
        }
        for county in County.objects.order_by("code")
    ]
    print(f"figures    {time.perf_counter() - started:.2f} s (city and {len(units)} counties)")
    return Report.objects.create(
        campaign=campaign,
        requested_by=author,
        figures=snapshot(figures),
        units=units,
        counted_at=timezone.now(),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--migrate", action="store_true", help="run migrate first")
    parser.add_argument("--villages", type=int, default=1700, help="for seed_demo")
    parser.add_argument("--runs", type=int, default=3, help="PDF renders to time")
    parser.add_argument("--out", help="write the PDF here")
    args = parser.parse_args()
    for name in ("weasyprint", "weasyprint.progress"):  # no per-page progress lines
        logging.getLogger(name).setLevel(logging.WARNING)
    if args.migrate:
        call_command("migrate", verbosity=0)
    if not County.objects.exists():
        call_command("seed_demo", villages=args.villages, stdout=StringIO())
    campaign = Campaign.objects.current()
    author = User.objects.filter(role=Role.CITY).first() or User.objects.create(
        username="bench_city", role=Role.CITY
    )
    write_texts(campaign, author)
    report = build_report(campaign, author)

    timings, cpu = [], []
    for _run in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf, pages = render_pdf(report)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    started = time.perf_counter()
    xlsx = render_xlsx(report)
    xlsx_seconds = time.perf_counter() - started
    if args.out:
        Path(args.out).write_bytes(pdf)
    print(f"pdf        {', '.join(f'{t:.2f}' for t in timings)} s (first run includes imports)")
    print(f"pdf cpu    {', '.join(f'{t:.2f}' for t in cpu)} s (this process; the rest is waiting)")
    print(f"load       {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} CPUs)")
    print(f"pages      {pages}")
    print(f"pdf size   {len(pdf) / 1024:.0f} KB")
    print(f"xlsx       {xlsx_seconds:.2f} s, {len(xlsx) / 1024:.0f} KB")


if __name__ == "__main__":
    main()
