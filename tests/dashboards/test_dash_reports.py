"""The township's daily report and the county's weekly report: generated, noted, submitted,
compared with the previous one, seen on the level above's board, printed and exported."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook

from dashboards import progress_reports, services
from dashboards.models import ProgressReport, ReportKind
from elections.models import ElectionStatus
from tests.conftest import World


def complete(election, day) -> None:
    election.status, election.held_date = ElectionStatus.COMPLETED, day
    election.save()


def daily_url(world: World, day) -> str:
    url = reverse("dashboards:daily_report", args=[world.township_a1.pk])
    return f"{url}?campaign={world.campaign.pk}&day={day:%Y-%m-%d}"


def test_it_generates_the_daily_report_from_the_data(
    world: World, township_a1_client: Client
) -> None:
    today = timezone.localdate()
    complete(world.election("a1"), today)

    response = township_a1_client.get(daily_url(world, today))

    report = response.context["report"]
    assert report.pk is None  # nothing stored until the official saves or submits
    assert report.figures["elections_total"] == 2
    assert report.figures["elections_completed"] == 1
    assert report.figures["completion_rate"] == "50.0"
    assert report.events["completed_villages"] == 1
    assert report.events["completed_village_names"] == [world.village("a1").name]
    assert response.context["can_write"]


def test_it_submits_with_a_note_and_then_freezes_the_report(
    world: World, township_a1_client: Client
) -> None:
    today = timezone.localdate()
    url = daily_url(world, today)

    response = township_a1_client.post(url, {"note": "  今日无异常  ", "submit": "1"})

    assert response.status_code == 302
    report = ProgressReport.objects.get(kind=ReportKind.DAILY, township=world.township_a1)
    assert (report.note, report.period_start, report.is_submitted) == ("今日无异常", today, True)
    # a later change in the data does not move a submitted report's figures
    complete(world.election("a1"), today)
    page = township_a1_client.get(url)
    assert page.context["report"].figures["elections_completed"] == 0
    assert not page.context["can_write"]
    refused = township_a1_client.post(url, {"note": "改", "submit": "1"})
    assert refused.status_code == 200
    report.refresh_from_db()
    assert report.note == "今日无异常"


def test_it_says_what_changed_since_the_previous_report(world: World, township_a1) -> None:
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    first = progress_reports.report_get(
        ReportKind.DAILY, world.campaign, county=world.county_a, township=world.township_a1,
        day=yesterday, user=township_a1,
    )  # fmt: skip
    services.report_save(by=township_a1, report=first, note="", submit=True)
    complete(world.election("a1"), today)

    second = progress_reports.report_get(
        ReportKind.DAILY, world.campaign, county=world.county_a, township=world.township_a1,
        day=today, user=township_a1,
    )  # fmt: skip
    # a draft reads the dashboard's stored figures; submitting recomputes them from the data
    assert second.changes["elections_completed"] == 0
    services.report_save(by=township_a1, report=second, note="", submit=True)

    assert second.previous == first
    assert second.changes["elections_completed"] == 1
    assert second.changes["elections_not_started"] == -1
    assert second.changes["completion_rate"] == "50.0"
    assert first.changes["elections_completed"] is None


def test_it_lets_only_the_township_write_its_daily_report(
    world: World, county_a, township_a1
) -> None:
    report = progress_reports.report_get(
        ReportKind.DAILY, world.campaign, county=world.county_a, township=world.township_a1,
        day=timezone.localdate(), user=township_a1,
    )  # fmt: skip

    with pytest.raises(PermissionDenied):
        services.report_save(by=county_a, report=report, note="x", submit=True)
    services.report_save(by=township_a1, report=report, note="x", submit=True)
    with pytest.raises(ValidationError):
        services.report_save(by=township_a1, report=report, note="y", submit=True)


def test_it_shows_the_county_which_townships_submitted(
    world: World, township_a1, county_a_client: Client
) -> None:
    today = timezone.localdate()
    report = progress_reports.report_get(
        ReportKind.DAILY, world.campaign, county=world.county_a, township=world.township_a1,
        day=today, user=township_a1,
    )  # fmt: skip
    services.report_save(by=township_a1, report=report, note="", submit=True)

    response = county_a_client.get(
        reverse("dashboards:daily_board", args=[world.county_a.pk]), {"day": today.isoformat()}
    )

    rows = {row.unit: row.report for row in response.context["rows"]}
    assert set(rows) == {world.township_a1, world.township_a2}
    assert rows[world.township_a1].is_submitted
    assert rows[world.township_a2] is None
    assert response.context["submitted"] == 1


def test_it_keeps_the_weekly_report_of_one_week_and_shows_the_city_the_board(
    world: World, county_a_client: Client, city_client: Client
) -> None:
    # given: a Wednesday; the week runs from its Monday
    wednesday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() - 2)
    url = reverse("dashboards:weekly_report", args=[world.county_a.pk])

    response = county_a_client.post(
        f"{url}?campaign={world.campaign.pk}&week={wednesday}",
        {"note": "本周推进顺利", "submit": "1"},
    )

    assert response.status_code == 302
    report = ProgressReport.objects.get(kind=ReportKind.WEEKLY, county=world.county_a)
    assert report.period_start == wednesday - timedelta(days=2)
    assert report.period_end == wednesday + timedelta(days=4)
    assert report.figures["elections_total"] == 4
    board = city_client.get(reverse("dashboards:weekly_board"), {"week": str(wednesday)})
    rows = {row.unit: row.report for row in board.context["rows"]}
    assert rows[world.county_a] == report
    assert rows[world.county_b] is None


def test_it_exports_the_daily_report_as_a_workbook(
    world: World, township_a1_client: Client
) -> None:
    today = timezone.localdate()
    complete(world.election("a1"), today)
    township_a1_client.post(daily_url(world, today), {"note": "已完成一个村"})
    url = reverse("dashboards:daily_report_export", args=[world.township_a1.pk])

    response = township_a1_client.get(url, {"campaign": world.campaign.pk, "day": str(today)})

    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    labels = {key: str(label) for key, label in progress_reports.ITEMS}
    assert values[labels["elections_completed"]][0] == 1
    assert values[labels["elections_total"]][0] == 2
    assert values[gettext("Note")][0] == "已完成一个村"
