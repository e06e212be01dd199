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

HAND_SQL = """
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
      count(*) FILTER (WHERE campaign_id = %(now)s) AS members,
      sum(age) FILTER (WHERE campaign_id = %(now)s) AS age_sum,
      count(*) FILTER (WHERE campaign_id = %(now)s AND age <= 35) AS age_35,
      count(*) FILTER (WHERE campaign_id = %(now)s AND age <= 45) AS age_45,
      count(*) FILTER (WHERE campaign_id = %(now)s AND age >= 55) AS age_55,
      count(*) FILTER (WHERE campaign_id = %(now)s AND education = 'postgraduate') AS pg,
      count(*) FILTER (WHERE campaign_id = %(old)s AND education = 'postgraduate') AS old_pg,
      count(*) FILTER (WHERE campaign_id = %(now)s AND education = 'bachelor') AS bachelors,
      count(*) FILTER (WHERE campaign_id = %(now)s
                       AND education IN ('junior_college', 'bachelor', 'postgraduate')) AS college,
      count(*) FILTER (WHERE campaign_id = %(now)s AND gender = 'F') AS women,
      count(*) FILTER (WHERE campaign_id = %(now)s AND women_director) AS directors,
      count(*) FILTER (WHERE campaign_id = %(old)s) AS old_members,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary') AS secretaries,
      sum(age) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary') AS sec_age_sum,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND strong_two)
        AS sec_strong,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND education
                       IN ('junior_college', 'bachelor', 'postgraduate')) AS sec_college,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND age <= 45)
        AS sec_45,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural')
        AS rural,
      sum(age) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural')
        AS rural_age_sum,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural'
                       AND age <= 40) AS rural_40,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural'
                       AND age BETWEEN 41 AND 54) AS rural_41_54,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural'
                       AND age >= 55) AS rural_55,
      count(*) FILTER (WHERE campaign_id = %(old)s AND post = 'secretary' AND kind = 'rural'
                       AND age >= 55) AS old_rural_55,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural'
                       AND source IN ('local_capable', 'returnee')) AS rural_local,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural'
                       AND strong_two AND lead_two) AS rural_leading,
      count(*) FILTER (WHERE campaign_id = %(now)s AND post = 'secretary' AND kind = 'rural'
                       AND NOT EXISTS (SELECT 1 FROM old_secretaries o
                                       WHERE o.branch_id = seats.branch_id
                                         AND o.person_id = seats.person_id)) AS rural_new
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
    SELECT count(*) AS elections,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'postponed') AS postponed,
           count(*) FILTER (WHERE status = 'completed' AND method = 'public_direct') AS direct
    FROM elections_election WHERE campaign_id = %(now)s
)
SELECT * FROM members, committees, elections
"""


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
        "members": "members",
        "age_35": "members_age_35_or_under",
        "age_55": "members_age_55_or_over",
        "college": "members_college_or_above",
        "women": "members_women",
        "old_members": "members_previous",
        "secretaries": "secretaries",
        "sec_strong": "secretaries_strong_two",
        "rural": "rural_secretaries",
        "rural_41_54": "rural_secretaries_age_41_to_54",
        "old_rural_55": "rural_secretaries_age_55_or_over_previous",
        "rural_new": "rural_secretaries_new",
        "without_woman": "committees_without_woman",
        "completed": "elections_completed",
        "direct": "method_public_direct",
    }
    wrong = {k: (hand[k], figures[v]) for k, v in pairs.items() if hand[k] != figures[v]}
    if wrong:
        raise SystemExit(f"The two computations disagree: {wrong}")


def timed(function, repeat: int) -> tuple[float, object]:
    runs, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        runs.append(time.perf_counter() - start)
    return stats.median(runs), result


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
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (the hand pass is SQL).")
    if not County.objects.exists():
        call_command("seed_demo", villages=args.villages, verbosity=0)
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
    hand_seconds, hand = timed(lambda: hand_pass(campaign), args.repeat)
    orm_seconds, figures = timed(lambda: compute_figures(campaign=campaign, user=city), args.repeat)
    agree(hand, figures)
    print(f"Hand-written SQL pass (core of part 1): {hand_seconds:.2f} s")
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
