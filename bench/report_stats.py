"""Measures the report's statistics at province scale, against one hand-written SQL pass.

Usage (PostgreSQL and Redis, as the issue asks):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_stats_bench \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/9 \
        .venv/bin/python bench/report_stats.py --villages 25000 --workers 1 2

It builds the province with seed_demo when the database is empty, then prints, medians of
--repeat runs:
  - the hand-written pass: one SQL statement computing the core counts of part 1 (elections,
    methods, members, ages, education, women, sources, secretaries, rural secretaries with the
    previous campaign and the new ones, committees without a woman);
  - compute_figures in this process (every figure, same tables), and the ratio of the two;
  - the Celery pipeline with 1 and with 2 worker processes: counting (fan-out per county and
    merge) and the whole report (counting + PDF + Excel), seconds.
The two computations are checked against each other before any time is printed.
"""

import argparse
import os
import statistics as stats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATA_DIR", tempfile.mkdtemp(prefix="huanjie-bench-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Role, User  # noqa: E402
from candidates.models import Candidacy, CommitteeMember  # noqa: E402
from elections.models import Campaign, County, Election, Village  # noqa: E402
from petitions.models import Petition  # noqa: E402
from reports.statistics import compute_figures  # noqa: E402

# One pass in plain SQL over the same tables, for the same counts as count_scope: the seats of
# both campaigns in one scan (conditional aggregates), committees grouped by election,
# elections, and the village-level measures. Written out by hand; only the long lists of
# FILTER clauses (sources, age bands) are generated below.
SOURCE_VALUES = ("local_capable", "veteran", "returnee", "graduate_official", "dispatched", "other")
COLLEGE = "education IN ('junior_college', 'bachelor', 'postgraduate')"


def seat_filters(prefix: str, where: str, fields: list[tuple[str, str]]) -> list[str]:
    lines = [f"sum(age) FILTER (WHERE {where}) AS {prefix}age_sum"]
    lines += [
        f"count(*) FILTER (WHERE {where} AND {cond}) AS {prefix}{name}" for name, cond in fields
    ]
    return lines


MEMBER = [
    ("count", "true"),
    ("age_35", "age <= 35"),
    ("age_45", "age <= 45"),
    ("age_55", "age >= 55"),
    ("postgraduates", "education = 'postgraduate'"),
    ("bachelors", "education = 'bachelor'"),
    ("college", COLLEGE),
    ("women", "gender = 'F'"),
    ("directors", "women_director"),
    *[(f"source_{v}", f"source = '{v}'") for v in SOURCE_VALUES],
]
SECRETARY = [
    ("count", "true"),
    ("strong", "strong_two"),
    ("college", COLLEGE),
    ("age_45", "age <= 45"),
    *[(f"source_{v}", f"source = '{v}'") for v in SOURCE_VALUES],
]
RURAL = [
    ("count", "true"),
    ("age_40", "age <= 40"),
    ("age_41_54", "age BETWEEN 41 AND 54"),
    ("age_55", "age >= 55"),
    ("local", "source IN ('local_capable', 'returnee')"),
    ("leading", "strong_two AND lead_two"),
]
NOW, OLD = "campaign_id = %(now)s", "campaign_id = %(old)s"
SECRETARY_WHERE, RURAL_WHERE = "post = 'secretary'", "post = 'secretary' AND kind = 'rural'"
NEW = (
    "NOT EXISTS (SELECT 1 FROM old_secretaries o WHERE o.branch_id = seats.branch_id "
    "AND o.person_id = seats.person_id)"
)
AGGREGATES = ",\n      ".join(
    [
        *seat_filters("", NOW, MEMBER),
        *seat_filters("sec_", f"{NOW} AND {SECRETARY_WHERE}", SECRETARY),
        *seat_filters("rural_", f"{NOW} AND {RURAL_WHERE}", RURAL),
        *seat_filters("old_", OLD, MEMBER),
        *seat_filters("old_rural_", f"{OLD} AND {RURAL_WHERE}", RURAL),
        *seat_filters("rural_new_", f"{NOW} AND {RURAL_WHERE} AND {NEW}", [("count", "true")]),
    ]
)

# Built from the constants above only (no input reaches it).
HAND_SQL = f"""
WITH seats AS (
    SELECT e.campaign_id, e.id AS election_id, e.branch_id, cm.post, v.kind,
           c.person_id, c.education, c.source, c.strong_two, c.lead_two, c.women_director,
           p.gender,
           date_part('year', age(CASE WHEN e.campaign_id = %(now)s THEN %(ref)s::date
                                      ELSE %(old_ref)s::date END, p.birth_date))::int AS age
    FROM candidates_committeemember cm
    JOIN elections_election e ON e.id = cm.election_id
    JOIN candidates_candidacy c ON c.id = cm.candidacy_id
    JOIN candidates_person p ON p.id = c.person_id
    JOIN elections_branch b ON b.id = e.branch_id
    JOIN elections_village v ON v.id = b.village_id
    WHERE e.campaign_id IN (%(now)s, %(old)s)
),
old_secretaries AS (
    SELECT branch_id, person_id FROM seats WHERE campaign_id = %(old)s AND post = 'secretary'
),
members AS (
    SELECT
      {AGGREGATES}
    FROM seats
),
committees AS (
    SELECT count(*) AS committees,
           count(*) FILTER (WHERE women = 0) AS without_woman,
           count(*) FILTER (WHERE directors > 0) AS with_director
    FROM (SELECT election_id,
                 count(*) FILTER (WHERE gender = 'F') AS women,
                 count(*) FILTER (WHERE women_director) AS directors
          FROM seats WHERE campaign_id = %(now)s GROUP BY election_id) per_committee
),
elections AS (
    SELECT count(DISTINCT v.township_id) AS townships, count(DISTINCT b.village_id) AS villages,
           count(*) AS elections,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'postponed') AS postponed,
           count(*) FILTER (WHERE status = 'completed' AND method = 'public_direct') AS direct,
           count(*) FILTER (WHERE status = 'completed' AND method = 'two_nominations') AS two,
           count(*) FILTER (WHERE status = 'completed' AND method = 'conventional') AS usual
    FROM elections_election e
    JOIN elections_branch b ON b.id = e.branch_id
    JOIN elections_village v ON v.id = b.village_id
    WHERE campaign_id = %(now)s
),
measures AS (
    SELECT
      (SELECT count(*) FROM elections_village WHERE is_difficult) AS difficult,
      (SELECT count(*) FROM oversight_risk WHERE campaign_id = %(now)s) AS risks,
      (SELECT count(*) FROM oversight_risk r WHERE r.campaign_id = %(now)s
         AND r.status = 'resolved' AND NOT EXISTS (
           SELECT 1 FROM elections_election e JOIN elections_branch b ON b.id = e.branch_id
           WHERE b.village_id = r.village_id AND e.campaign_id = r.campaign_id
             AND e.held_date <= r.resolved_on)) AS risks_resolved,
      (SELECT count(*) FROM oversight_secretaryadjustment a WHERE a.campaign_id = %(now)s
         AND NOT EXISTS (
           SELECT 1 FROM elections_election e JOIN elections_branch b ON b.id = e.branch_id
           WHERE b.village_id = a.village_id AND e.campaign_id = a.campaign_id
             AND e.held_date <= a.adjusted_on)) AS adjusted,
      (SELECT count(*) FROM audits_audit WHERE campaign_id = %(now)s) AS audits,
      (SELECT count(*) FROM audits_audit WHERE campaign_id = %(now)s AND status = 'done')
        AS audits_done,
      (SELECT count(*) FROM candidates_candidacy c JOIN elections_election e
         ON e.id = c.election_id WHERE e.campaign_id = %(now)s AND c.stage = 'disqualified')
        AS disqualified
)
SELECT * FROM members, committees, elections, measures
"""  # noqa: S608


def top_up_petitions(target: int) -> None:
    """The demo city has about one petition per ten villages; the issue's province has 20,000.
    Copies of the demo's own petitions (numbered apart: serials from 100,000 on, a -B suffix)
    make up the difference, spread over the same villages, dates and states."""
    have = Petition.objects.count()
    if have >= target or not have:
        return
    columns = [
        f.column
        for f in Petition._meta.concrete_fields
        if f.column not in ("id", "number", "serial")
    ]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO petitions_petition (number, serial, {listed})
            SELECT left(p.number, 12) || '-B' || copy || '-' || p.id,
                   100000 * copy + p.serial, {", ".join(f"p.{c}" for c in columns)}
            FROM petitions_petition p, generate_series(1, %s) AS copy
            ORDER BY copy, p.id
            LIMIT %s
            """,  # noqa: S608 - column names from the model only
            [target // have + 1, target - have],
        )


def hand_pass(campaign: Campaign) -> dict:
    previous = campaign.previous
    with connection.cursor() as cursor:
        cursor.execute(
            HAND_SQL,
            {
                "now": campaign.pk,
                "old": previous.pk,
                "ref": campaign.reference_date,
                "old_ref": previous.reference_date,
            },
        )
        names = [column.name for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def agree(hand: dict, figures: dict) -> None:
    pairs = {
        "count": "members",
        "age_35": "members_age_35_or_under",
        "age_45": "members_age_45_or_under",
        "age_55": "members_age_55_or_over",
        "source_veteran": "members_source_veteran",
        "sec_source_dispatched": "secretaries_source_dispatched",
        "with_director": "committees_with_women_director",
        "risks_resolved": "measures_risks_resolved_before_election",
        "adjusted": "measures_secretaries_adjusted",
        "disqualified": "candidates_disqualified",
        "villages": "villages",
        "college": "members_college_or_above",
        "women": "members_women",
        "old_count": "members_previous",
        "sec_count": "secretaries",
        "sec_strong": "secretaries_strong_two",
        "rural_count": "rural_secretaries",
        "rural_age_41_54": "rural_secretaries_age_41_to_54",
        "old_rural_age_55": "rural_secretaries_age_55_or_over_previous",
        "rural_new_count": "rural_secretaries_new",
        "without_woman": "committees_without_woman",
        "completed": "elections_completed",
        "direct": "method_public_direct",
    }
    wrong = {k: (hand[k], figures[v]) for k, v in pairs.items() if hand[k] != figures[v]}
    if wrong:
        raise SystemExit(f"The two computations disagree: {wrong}")


def timed_pair(first, second, repeat: int) -> tuple[float, float, object, object]:
    """Medians of ``repeat`` runs of each, interleaved (first, second, first, …) so that a
    change in the machine's load falls on both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    results = [None, None]
    for _ in range(repeat):
        for index, function in enumerate((first, second)):
            start = time.perf_counter()
            results[index] = function()
            times[index].append(time.perf_counter() - start)
    return stats.median(times[0]), stats.median(times[1]), results[0], results[1]


def pipeline_run(workers: int, user: User, campaign: Campaign, broker: str) -> tuple[float, float]:
    """Seconds of counting and of the whole report with ``workers`` worker processes."""
    from config.celery_app import app
    from reports import pipeline
    from reports.models import Report, ReportStatus

    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    env = os.environ | {"CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": broker}
    processes = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"),
                *("--without-gossip", "--without-mingle", "--loglevel=WARNING"),
                f"--hostname=bench{n}@%h",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(workers)
    ]
    try:
        time.sleep(4)  # the workers connect
        report = pipeline.request_report(user=user, campaign=campaign)
        while True:
            report.refresh_from_db()
            if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
                break
            time.sleep(0.1)
        if report.status != ReportStatus.DONE:
            raise SystemExit(f"The report failed: {report.message}")
        counting = (report.counted_at - report.started_at).total_seconds()
        whole = (report.finished_at - report.created_at).total_seconds()
        Report.objects.filter(pk=report.pk).delete()
        return counting, whole
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--villages", type=int, default=25000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    parser.add_argument(
        "--petitions",
        type=int,
        default=20000,
        help="top the demo's petitions up to this many (the issue's province scale)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the hand pass is SQL).")
    if not County.objects.exists():
        call_command("seed_demo", villages=args.villages, verbosity=0)
    top_up_petitions(args.petitions)
    with connection.cursor() as cursor:
        # Fresh bulk-loaded tables have no planner statistics until autovacuum comes by.
        cursor.execute("ANALYZE")
    campaign = Campaign.objects.current()
    city = User(role=Role.CITY, is_active=True)
    sys.stdout.reconfigure(line_buffering=True)
    print(
        f"Data: {Village.objects.count():,} villages, "
        f"{Election.objects.filter(campaign=campaign).count():,} elections, "
        f"{CommitteeMember.objects.filter(election__campaign=campaign).count():,} committee "
        f"members now ({CommitteeMember.objects.count():,} with the previous campaign), "
        f"{Candidacy.objects.count():,} candidacies, {Petition.objects.count():,} petitions, "
        f"{County.objects.count()} counties"
    )
    hand_seconds, orm_seconds, hand, figures = timed_pair(
        lambda: hand_pass(campaign),
        lambda: compute_figures(campaign=campaign, user=city),
        args.repeat,
    )
    agree(hand, figures)
    print(f"Hand-written SQL pass (the same counts): {hand_seconds:.2f} s")
    print(f"compute_figures (every figure), one process: {orm_seconds:.2f} s")
    print(f"Ratio: {orm_seconds / hand_seconds:.2f} (target at most 1.5)")
    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker or not args.workers:
        print("No CELERY_BROKER_URL: the pipeline with workers is not measured.")
        return
    user = User.objects.filter(role=Role.CITY, is_active=True).first()
    for workers in args.workers:
        counting, whole = pipeline_run(workers, user, campaign, broker)
        print(
            f"Pipeline, {workers} worker(s): counting {counting:.2f} s, "
            f"whole report (counting + PDF + Excel) {whole:.2f} s"
        )


if __name__ == "__main__":
    main()
