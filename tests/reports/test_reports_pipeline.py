"""The report pipeline: request, fan-out per county, merge into the snapshot, files.

In-process (eager) here; on a real worker, with Redis down, and with a worker killed in the
middle of a report in test_reports_worker.py.
"""

import datetime
import json
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from accounts.models import User
from elections.models import ElectionStatus, Method
from reports import pipeline, statistics
from reports.models import Report, ReportPart, ReportStatus
from reports.statistics import compute_figures
from tests.conftest import World, signed_in


def as_stored(figures: dict) -> dict:
    """Figures as the snapshot keeps them (JSON: Decimals as strings)."""
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


@pytest.fixture
def varied(world: World) -> World:
    """Some variety between the counties, so that a unit mixed up with another shows."""
    a1 = world.election("a1")
    a1.status, a1.method = ElectionStatus.COMPLETED, Method.TWO_NOMINATIONS
    a1.held_date = datetime.date(2026, 9, 1)
    a1.save()
    b2 = world.election("b2", 1)
    b2.status, b2.postponement_reason = ElectionStatus.POSTPONED, "整体拆迁"
    b2.save()
    return world


def generate(user: User, django_capture_on_commit_callbacks, **scope) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        report = pipeline.request_report(user=user, campaign=scope.pop("campaign"), **scope)
    report.refresh_from_db()
    return report


def test_the_city_report_adds_up_its_counties(
    varied: World, city: User, django_capture_on_commit_callbacks
) -> None:
    # when
    report = generate(city, django_capture_on_commit_callbacks, campaign=varied.campaign)

    # then: done, the figures those of the whole city, each county's those of the county
    assert report.status == ReportStatus.DONE, report.message
    assert report.progress == 100
    assert report.figures == as_stored(compute_figures(campaign=varied.campaign, user=city))
    assert [unit["code"] for unit in report.units] == ["320101", "320102"]
    for unit, county in zip(report.units, (varied.county_a, varied.county_b), strict=True):
        expected = as_stored(compute_figures(campaign=varied.campaign, user=city, county=county))
        expected["county"] = None  # a unit's figures carry no scope of their own
        expected |= statistics.NO_WIDE  # nor the figures counted for the whole scope only
        assert unit["figures"] == expected
        assert unit["name"] == county.name
    assert report.figures["elections_postponed"] == 1
    assert report.units[0]["figures"]["method_two_nominations"] == 1
    # the snapshot says from which data
    assert report.data_fingerprint["elections"]["rows"] == 8
    assert report.counted_at is not None
    # files written, parts cleaned up
    assert report.pdf_path.read_bytes().startswith(b"%PDF")
    assert report.xlsx_path.read_bytes().startswith(b"PK")
    assert report.pages and report.pages >= 3
    assert not ReportPart.objects.filter(report=report).exists()
    assert report.attempts == 1


def test_a_county_report_fans_out_over_its_townships_and_holds_nothing_else(
    varied: World, county_a: User, django_capture_on_commit_callbacks
) -> None:
    # when: a county user asks without naming a county
    report = generate(county_a, django_capture_on_commit_callbacks, campaign=varied.campaign)

    # then: the county's report, a unit per township of the county, only its figures
    assert report.status == ReportStatus.DONE, report.message
    assert report.county == varied.county_a
    assert [unit["code"] for unit in report.units] == ["320101001", "320101002"]
    assert report.figures == as_stored(
        compute_figures(campaign=varied.campaign, user=county_a, county=varied.county_a)
    )
    assert report.figures["elections_total"] == 4
    assert report.figures["elections_postponed"] == 0


def test_a_county_user_cannot_ask_for_another_county(varied: World, county_a: User) -> None:
    with pytest.raises(PermissionDenied):
        pipeline.request_report(user=county_a, campaign=varied.campaign, county=varied.county_b)
    with pytest.raises(PermissionDenied):
        pipeline.request_report(
            user=county_a, campaign=varied.campaign, township=varied.township_b1
        )
    assert not Report.objects.exists()


@pytest.mark.parametrize("persona", ["township_a1", "inspector"])
def test_townships_and_inspectors_do_not_generate_reports(
    varied: World, users: dict[str, User], persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        pipeline.request_report(user=users[persona], campaign=varied.campaign)


def test_every_step_run_twice_does_the_work_once(
    varied: World, city: User, django_capture_on_commit_callbacks
) -> None:
    # given: a report whose steps are run by hand, as a redelivering broker would
    report = Report.objects.create(campaign=varied.campaign, requested_by=city, unit_count=2)
    county_a_pk = varied.county_a.pk

    # when: a unit counted twice, the others once, then the finish twice
    pipeline.count_units(report.pk, "county", [county_a_pk])
    pipeline.count_units(report.pk, "county", [county_a_pk, varied.county_b.pk])
    pipeline.count_wide(report.pk)
    assert ReportPart.objects.filter(report=report).count() == 3
    pipeline.finish(report.pk)
    report.refresh_from_db()
    written = report.pdf_path.stat().st_mtime_ns
    pipeline.finish(report.pk)

    # then: one report, its figures right, its files written once
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.figures == as_stored(compute_figures(campaign=varied.campaign, user=city))
    assert report.pdf_path.stat().st_mtime_ns == written
    assert sorted(p.name for p in report.pdf_path.parent.iterdir()) == [
        f"report-{report.pk}.pdf",
        f"report-{report.pk}.xlsx",
    ]
    # a unit task arriving after the end does nothing either
    pipeline.count_units(report.pk, "county", [county_a_pk])
    assert not ReportPart.objects.filter(report=report).exists()


@pytest.mark.parametrize(("units", "tasks", "runs"), [(88, 8, 8), (3, 8, 3), (10, 4, 4), (1, 8, 1)])
def test_the_units_are_shared_among_the_tasks_each_once(units: int, tasks: int, runs: int) -> None:
    found = pipeline.batches([("county", pk) for pk in range(units)], tasks)

    assert len(found) == runs
    assert [pk for _kind, pks in found for pk in pks] == list(range(units))


def test_a_failing_step_fails_the_report_with_the_reason(
    varied: World, city: User, django_capture_on_commit_callbacks
) -> None:
    from reports.tasks import report_count_units

    report = Report.objects.create(campaign=varied.campaign, requested_by=city, unit_count=2)
    with pytest.raises(Exception):  # noqa: B017 - whatever the step raised, re-raised
        report_count_units.apply(args=(report.pk, "county", [999_999]), throw=True)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "报告未能生成" in report.message


# Pages ---------------------------------------------------------------------------------------


def test_the_city_generates_in_the_browser_and_downloads(
    varied: World, city: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(city)
    page = client.get(reverse("reports:report_index"))
    assert page.status_code == 200
    assert "生成报告" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:report_index"), {"campaign": varied.campaign.pk, "county": ""}
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:report_detail", args=[report.pk])

    detail = client.get(response.url).content.decode()
    assert "下载PDF" in detail
    pdf = client.get(reverse("reports:report_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    xlsx = client.get(reverse("reports:report_xlsx", args=[report.pk]))
    assert "attachment" in xlsx["Content-Disposition"]
    history = client.get(reverse("reports:report_index")).content.decode()
    assert reverse("reports:report_detail", args=[report.pk]) in history


def test_a_county_sees_only_its_own_reports(
    varied: World, city: User, county_a: User, django_capture_on_commit_callbacks
) -> None:
    theirs = generate(
        city, django_capture_on_commit_callbacks, campaign=varied.campaign, county=varied.county_b
    )
    ours = generate(county_a, django_capture_on_commit_callbacks, campaign=varied.campaign)
    client = signed_in(county_a)

    assert client.get(reverse("reports:report_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:report_pdf", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:report_detail", args=[ours.pk])).status_code == 200
    history = client.get(reverse("reports:report_index")).content.decode()
    assert reverse("reports:report_detail", args=[ours.pk]) in history
    assert reverse("reports:report_detail", args=[theirs.pk]) not in history


def test_the_form_offers_a_county_user_only_its_county(varied: World, county_a: User) -> None:
    client = signed_in(county_a)
    response = client.post(
        reverse("reports:report_index"),
        {"campaign": varied.campaign.pk, "county": varied.county_b.pk},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Report.objects.exists()


def test_the_progress_bar_polls_until_the_report_stops(varied: World, city: User) -> None:
    report = Report.objects.create(
        campaign=varied.campaign,
        requested_by=city,
        status=ReportStatus.COUNTING,
        progress=35,
        message="正在统计",
    )
    client = signed_in(city)
    url = reverse("reports:report_progress", args=[report.pk])

    running = client.get(url, headers={"HX-Request": "true"})
    assert 'value="35"' in running.content.decode()
    assert "HX-Refresh" not in running

    Report.objects.filter(pk=report.pk).update(status=ReportStatus.DONE, progress=100)
    stopped = client.get(url, headers={"HX-Request": "true"})
    assert stopped["HX-Refresh"] == "true"


# Redis down ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("broker_down")
def test_with_redis_down_asking_answers_at_once_with_a_clear_message(
    varied: World, city: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(city)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:report_index"), {"campaign": varied.campaign.pk})
    elapsed = time.monotonic() - started

    report = Report.objects.get()
    assert elapsed < 5
    assert report.status == ReportStatus.FAILED
    assert report.message == str(pipeline.MSG_QUEUE_DOWN)
    page = client.get(response.url).content.decode()
    assert "任务队列" in page


# Part 2 and part 3 -------------------------------------------------------------------------------


def test_a_county_writes_its_measures_and_an_emptied_text_is_deleted(
    varied: World, county_a: User
) -> None:
    from reports.models import MeasureHeading, MeasureText

    client = signed_in(county_a)
    url = reverse("reports:measures")
    page = client.get(url).content.decode()
    assert "调研摸底先行" in page and "突出接访息访" in page

    client.post(url, {"campaign": varied.campaign.pk, "survey": "排查重难点村36个。"})
    text = MeasureText.objects.get()
    assert (text.county, text.heading.slug) == (varied.county_a, "survey")
    assert text.text == "排查重难点村36个。"

    # a county cannot write another county's texts by naming it
    client.post(url, {"campaign": varied.campaign.pk, "county": varied.county_b.pk, "audit": "x"})
    assert not MeasureText.objects.filter(county=varied.county_b).exists()

    client.post(url, {"campaign": varied.campaign.pk, "survey": "  "})
    survey = MeasureHeading.objects.get(slug="survey")
    assert not MeasureText.objects.filter(heading=survey).exists()


def test_a_too_long_text_re_renders_with_the_error(varied: World, county_a: User) -> None:
    from reports.models import MeasureText

    client = signed_in(county_a)
    response = client.post(
        reverse("reports:measures"), {"campaign": varied.campaign.pk, "survey": "字" * 2001}
    )
    assert response.status_code == 200
    assert "2000" in response.content.decode()
    assert not MeasureText.objects.exists()


def test_the_city_writes_part_three(varied: World, city: User, county_a: User) -> None:
    from reports.models import ReportSection

    client = signed_in(city)
    response = client.post(
        reverse("reports:section_create") + f"?campaign={varied.campaign.pk}",
        {"order": 1, "title": "实施星级化管理，夯实基层组织", "body": "……"},
    )
    assert response.status_code == 302
    section = ReportSection.objects.get()
    assert section.campaign == varied.campaign and section.updated_by == city

    listed = signed_in(county_a).get(reverse("reports:section_list")).content.decode()
    assert "实施星级化管理" in listed

    client.post(reverse("reports:section_delete", args=[section.pk]))
    assert not ReportSection.objects.exists()


def test_the_city_picks_a_township_from_under_its_county(
    varied: World, city: User, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(city)
    page = client.get(reverse("reports:report_index")).content.decode()
    assert '<optgroup label="甲县">' in page and '<optgroup label="乙县">' in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:report_index"),
            {"campaign": varied.campaign.pk, "township": varied.township_a1.pk},
        )

    report = Report.objects.get()
    assert (report.county, report.township) == (varied.county_a, varied.township_a1)
    assert report.status == ReportStatus.DONE, report.message
    assert [unit["code"] for unit in report.units] == ["320101001"]
    assert report.figures == as_stored(
        compute_figures(campaign=varied.campaign, user=city, township=varied.township_a1)
    ) | {"county": "320101"}  # the snapshot names the township's county too
