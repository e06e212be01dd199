"""A county official's journey through the dashboards in a real Chromium: sign in, open the
dashboard, drill from the county to a township (with the keyboard) and on to a village, and see
the report's own numbers for each scope, with the charts drawn.

Runs on PostgreSQL (live_server on SQLite locks: field-notes.md); on SQLite it is left to the
PostgreSQL run. A missing Chromium skips it on a developer's machine and fails it under CI.
"""

import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from candidates.models import Candidacy, CommitteeMember, Education, Person, Post, Stage
from dashboards.figures import campaign_figures_refresh, jsonable
from dashboards.snapshots import snapshot_backfill, snapshot_take
from elections.models import ElectionStatus
from reports.statistics import compute_figures
from tests.conftest import World, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

JOURNEY_COPY = Path("/tmp/dash_journey.png")


def seat(election, name: str, gender: str, birth: str, post: str) -> None:
    person = Person.objects.create(
        name=name,
        gender=gender,
        birth_date=birth,
        id_number=f"browser-{name}",
        township=election.branch.village.township,
    )
    candidacy = Candidacy.objects.create(
        election=election, person=person, education=Education.BACHELOR, stage=Stage.ELECTED
    )
    CommitteeMember.objects.create(election=election, candidacy=candidacy, post=post)


def shown_figures(page: object) -> dict[str, str]:
    cells = page.locator("[data-key]")
    return {
        cells.nth(i).get_attribute("data-key"): cells.nth(i).inner_text().strip()
        for i in range(cells.count())
    }


def assert_report_numbers(page: object, figures: dict) -> None:
    shown = shown_figures(page)
    assert len(shown) > 30
    for key, text in shown.items():
        expected = "—" if figures[key] is None else str(jsonable(figures[key]))
        assert text == expected, key


def painted_pixels(page: object) -> dict[str, int]:
    """Each chart's id and how many of its canvas pixels are not transparent."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.dash-chart')).map(box => {
            const canvas = box.querySelector('canvas');
            if (!canvas) { return [box.id, 0]; }
            const context = canvas.getContext('2d');
            const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) { painted++; } }
            return [box.id, painted];
        }).reduce((all, [id, n]) => Object.assign(all, {[id]: n}), {})"""
    )


def test_a_county_official_drills_from_the_county_to_a_village(
    chromium: object, live_server: object, world: World, county_a: object, tmp_path: Path
) -> None:
    # given: one election of township A1 held, with its committee; progress snapshots and
    # figures refreshed
    election = world.election("a1")
    election.status, election.held_date = ElectionStatus.COMPLETED, world.campaign.start_date
    election.save()
    seat(election, "王芳", "F", "1988-05-01", Post.SECRETARY)
    seat(election, "李强", "M", "1966-03-02", Post.MEMBER)
    seat(election, "赵敏", "F", "1994-07-09", Post.MEMBER)
    snapshot_backfill(campaign=world.campaign, until=timezone.localdate() - timedelta(days=1))
    snapshot_take(campaign=world.campaign, day=timezone.localdate())
    campaign_figures_refresh(campaign=world.campaign)
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)

    # when: the official signs in and opens the dashboard
    sign_in(page, live_server, county_a)
    page.goto(f"{live_server.url}/dashboards/")

    # then: county A's page, with county A's report figures and every chart drawn
    assert page.url.rstrip("/").endswith(f"/dashboards/counties/{world.county_a.pk}")
    assert "甲县" in page.locator("h1").inner_text()
    assert_report_numbers(page, compute_figures(campaign=world.campaign, user=county_a))
    painted = painted_pixels(page)
    expected = {"chart-progress", "chart-timeline", "chart-drill", "chart-methods"}
    assert expected | {"chart-committees", "chart-sources"} <= set(painted)
    assert all(n > 500 for n in painted.values()), painted
    page.screenshot(path=str(tmp_path / "county.png"), full_page=True)
    shutil.copyfile(tmp_path / "county.png", JOURNEY_COPY)

    # when: the township is opened from the table, with the keyboard
    page.get_by_role("link", name="甲一镇", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/dashboards/townships/{world.township_a1.pk}/"))

    # then: the township's figures, as the report counts them for that township
    township_figures = compute_figures(
        campaign=world.campaign, user=county_a, township=world.township_a1
    )
    assert_report_numbers(page, township_figures)
    assert township_figures["members"] == 3
    assert all(n > 500 for n in painted_pixels(page).values())
    page.screenshot(path=str(tmp_path / "township.png"), full_page=True)

    # when / then: on to the village, its election and its committee
    page.get_by_role("link", name=election.branch.village.name, exact=True).click()
    page.wait_for_url(re.compile(rf"/dashboards/villages/{election.branch.village_id}/"))
    assert "王芳" in page.content()
    assert page.locator("[data-status=completed]").count() == 1
    page.screenshot(path=str(tmp_path / "village.png"), full_page=True)
    assert blocked == []
    context.close()
