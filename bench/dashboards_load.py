"""Load test of the dashboard and report pages: concurrent signed-in clients against a running
server, printing p50 / p95 / max latency per page. Target: p95 < 300 ms.

Build the province-scale data and its figures first (PostgreSQL, a scratch database):

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/huanjie_dash_bench DATA_DIR=/tmp/dash
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo --villages 25000
    .venv/bin/python manage.py backfill_progress --campaign 2026年村(社区)党组织集中换届
    .venv/bin/python manage.py dashboard_refresh --campaign 2026年村(社区)党组织集中换届

Serve it (production-like: DEBUG off, manifest static files) and run the clients:

    DEBUG=0 SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 \\
        .venv/bin/python manage.py collectstatic --noinput
    DEBUG=0 SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=0 \\
        .venv/bin/gunicorn config.wsgi -b 127.0.0.1:8765 -w 4
    .venv/bin/python bench/dashboards_load.py --base-url http://127.0.0.1:8765 --clients 20

Sessions are made directly in the database for the demo users (city, county, township), so
the login throttle is not part of the measure. Each client walks the pages in turn with a
random think time between requests (``--think``, like a locust user's wait_time).
"""

import argparse
import http.client
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.urls import reverse  # noqa: E402

from accounts.models import User  # noqa: E402
from elections.models import Campaign, Village  # noqa: E402


def session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["huanjie_session_started"] = time.time()
    session.create()
    return session.session_key


def pages() -> list[tuple[str, str, str]]:
    """(label, demo user, path) of every page measured."""
    county, township = (User.objects.get(username=u) for u in ("county", "township"))
    campaign = Campaign.objects.current()
    village = Village.objects.filter(township=township.township_id).order_by("code").first()
    q = f"?campaign={campaign.pk}"
    return [
        ("city dashboard", "city", reverse("dashboards:city") + q),
        ("city dashboard, batch 2", "city", reverse("dashboards:city") + q + "&batch=2"),
        ("county dashboard", "county", reverse("dashboards:county", args=[county.county_id]) + q),
        (
            "township dashboard",
            "township",
            reverse("dashboards:township", args=[township.township_id]) + q,
        ),
        ("village dashboard", "township", reverse("dashboards:village", args=[village.pk]) + q),
        (
            "daily report",
            "township",
            reverse("dashboards:daily_report", args=[township.township_id]) + q,
        ),
        (
            "daily board",
            "county",
            reverse("dashboards:daily_board", args=[county.county_id]) + q,
        ),
        (
            "weekly report",
            "county",
            reverse("dashboards:weekly_report", args=[county.county_id]) + q,
        ),
        ("weekly board", "city", reverse("dashboards:weekly_board") + q),
    ]


def get(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    return response.status, (time.perf_counter() - started) * 1000


def client(
    base: str,
    cookies: dict[str, str],
    plan: list[tuple[str, str, str]],
    rounds: int,
    think: float,
    timings: dict[str, list[float]],
    errors: list[str],
    lock: threading.Lock,
) -> None:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    order = plan[:]
    for _round in range(rounds):
        random.shuffle(order)
        for label, username, path in order:
            time.sleep(random.uniform(0, 2 * think))
            try:
                status, ms = get(conn, path, cookies[username])
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                with lock:
                    errors.append(f"{label}: {error}")
                continue
            with lock:
                if status != 200:
                    errors.append(f"{label}: HTTP {status}")
                timings[label].append(ms)
    conn.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8765")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="passes over the pages per client")
    parser.add_argument("--think", type=float, default=0.5, help="mean seconds between requests")
    args = parser.parse_args()
    plan = pages()
    users = {username for _label, username, _path in plan}
    cookie = settings.SESSION_COOKIE_NAME
    sessions = [
        {u: f"{cookie}={session_for(User.objects.get(username=u))}" for u in users}
        for _client in range(args.clients)
    ]
    timings: dict[str, list[float]] = {label: [] for label, _u, _p in plan}
    errors: list[str] = []
    lock = threading.Lock()
    warm = urlsplit(args.base_url)
    conn = http.client.HTTPConnection(warm.hostname, warm.port, timeout=120)
    for _label, username, path in plan:  # first visits (figures computed on a miss) not counted
        get(conn, path, sessions[0][username])
    conn.close()
    started = time.perf_counter()
    threads = [
        threading.Thread(
            target=client,
            args=(args.base_url, sessions[i], plan, args.rounds, args.think, timings, errors, lock),
        )
        for i in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in timings.values())
    print(
        f"{args.clients} clients, think {args.think}s, {total} requests in {elapsed:.1f}s "
        f"({total / elapsed:.1f}/s), {len(errors)} errors"
    )
    print(f"{'page':28} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, values in timings.items():
        if values:
            print(
                f"{label:28} {len(values):5d} {statistics.median(values):8.0f} "
                f"{percentile(values, 0.95):8.0f} {max(values):8.0f}"
            )
    for error in errors[:10]:
        print("error:", error)


if __name__ == "__main__":
    main()
