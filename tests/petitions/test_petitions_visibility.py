"""A petition against township A1 is invisible to township A1 everywhere (信访工作条例 art. 30):
on the list and its counts, the detail and every page under it, the export (masked or
revealed), the import, and the report's figures. The county and the city see it; so does the
inspection group of A1, which supervises A1 and is not the unit accused.

``about_a1`` holds one petition per path that makes a petition "about A1": its village, an
explicit township, a candidate, and a petition A1 itself received that the county later linked
to one of A1's villages.
"""

from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from accounts.models import User
from petitions.models import Petition, PetitionAttachment
from petitions.resources import PetitionImporter
from petitions.selectors import campaign_figures, petition_counts
from tests.conftest import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(name: str, *args: object) -> str:
    return reverse(f"petitions:{name}", args=args)


def exported_numbers(response: object) -> set[str]:
    sheet = load_workbook(BytesIO(response.content)).active
    return {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}


def test_the_queryset_hides_every_kind_of_petition_about_a1_from_a1(
    township_a1: User, about_a1: dict[str, Petition], a1_own: Petition
) -> None:
    visible = set(Petition.objects.visible_to(township_a1))

    assert visible == {a1_own}


@pytest.mark.parametrize("persona", ["city", "county_a", "inspector"])
def test_the_county_the_city_and_a1s_inspectors_see_them(
    persona: str, users: dict[str, User], about_a1: dict[str, Petition]
) -> None:
    visible = set(Petition.objects.visible_to(users[persona]))

    assert set(about_a1.values()) <= visible


def test_another_countys_township_sees_none_of_them(
    township_b1: User, about_a1: dict[str, Petition], a1_own: Petition
) -> None:
    assert not Petition.objects.visible_to(township_b1).exists()


def test_the_list_and_its_counts_leave_them_out_for_a1(
    township_a1_client: Client, about_a1: dict[str, Petition], a1_own: Petition
) -> None:
    # given: every one of them is overdue, so each would show in the overdue count
    Petition.objects.update(decision_due=TODAY.replace(year=TODAY.year - 1))

    for query in ("", "?overdue=yes", "?level=county", "?q=甲一镇"):
        response = township_a1_client.get(url("petition_list") + query)
        page = response.content.decode()

        for petition in about_a1.values():
            assert petition.number not in page
    counts = township_a1_client.get(url("petition_list")).context["counts"]
    assert (counts.total, counts.overdue) == (1, 1)
    htmx = township_a1_client.get(url("petition_list"), HTTP_HX_REQUEST="true")
    assert all(p.number not in htmx.content.decode() for p in about_a1.values())


def test_the_county_counts_them(
    county_a_client: Client, about_a1: dict[str, Petition], a1_own: Petition
) -> None:
    counts = county_a_client.get(url("petition_list")).context["counts"]

    # all of them: the city's two about A1 lie in county A too, and A1's own
    assert counts.total == 5


@pytest.mark.parametrize(
    "name",
    ["petition_detail", "petition_edit"],
)
def test_every_page_of_such_a_petition_is_404_for_a1(
    township_a1_client: Client, about_a1: dict[str, Petition], name: str
) -> None:
    for petition in about_a1.values():
        assert township_a1_client.get(url(name, petition.pk)).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "petition_edit",
        "petition_reveal",
        "petition_accept",
        "petition_decline",
        "petition_transfer",
        "petition_investigate",
        "petition_answer",
        "petition_close",
        "petition_extend",
        "attachment_upload",
    ],
)
def test_every_write_to_such_a_petition_is_404_for_a1(
    township_a1_client: Client, about_a1: dict[str, Petition], name: str
) -> None:
    # A 404, like a petition that does not exist: A1 cannot even learn that it exists.
    for petition in about_a1.values():
        assert township_a1_client.post(url(name, petition.pk), {}).status_code == 404


def test_its_attachments_are_404_for_a1(
    township_a1_client: Client, county_a_client: Client, about_a1: dict[str, Petition]
) -> None:
    attachment = PetitionAttachment(
        petition=about_a1["village"],
        original_name="举报信.pdf",
        content_type="application/pdf",
        size=5,
        uploaded_by=about_a1["village"].registered_by,
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)

    assert township_a1_client.get(url("attachment_download", attachment.pk)).status_code == 404
    assert county_a_client.get(url("attachment_download", attachment.pk)).status_code == 200


def test_the_export_leaves_them_out_for_a1_masked_or_revealed(
    township_a1_client: Client, about_a1: dict[str, Petition], a1_own: Petition
) -> None:
    masked = township_a1_client.get(url("petition_export"))
    revealed = township_a1_client.post(url("petition_export"), {"reveal": "1"})

    assert exported_numbers(masked) == {a1_own.number}
    assert exported_numbers(revealed) == {a1_own.number}


def test_the_export_holds_them_for_the_county(
    county_a_client: Client, about_a1: dict[str, Petition]
) -> None:
    numbers = exported_numbers(county_a_client.get(url("petition_export")))

    assert {about_a1["village"].number, about_a1["linked_later"].number} <= numbers


def test_the_report_figures_leave_them_out_for_a1(
    world: World,
    township_a1: User,
    county_a: User,
    city: User,
    about_a1: dict[str, Petition],
    a1_own: Petition,
) -> None:
    campaign = world.campaign

    assert campaign_figures(township_a1, campaign, TODAY).received == 1
    assert campaign_figures(county_a, campaign, TODAY).received == 5
    assert campaign_figures(city, campaign, TODAY).received == 5
    assert campaign_figures(city, campaign, TODAY).to_city == 2
    visible = Petition.objects.visible_to(township_a1)
    assert petition_counts(visible, TODAY).total == 1


def test_the_import_cannot_reach_them_by_number(
    world: World, township_a1: User, about_a1: dict[str, Petition]
) -> None:
    importer = PetitionImporter(user=township_a1, campaign=world.campaign)
    row = [about_a1["linked_later"].number, TODAY, "乡镇", "", world.township_a1.code, "来信"]
    row += ["匿名", "", "", 1, "其他", "", "", "", "改写内容"]
    headers = [column.header for column in PetitionImporter.columns]

    outcome = importer.run([headers, row], dry_run=True)

    # the same answer as for a number that does not exist: nothing is told away
    assert [(e.column, e.message) for e in outcome.errors] == [
        ("编号", _("No petition you can reach has this number."))
    ]
    assert Petition.objects.get(pk=about_a1["linked_later"].pk).content != "改写内容"


def test_a1_loses_its_own_registration_once_it_is_linked_to_a1(
    township_a1_client: Client, about_a1: dict[str, Petition]
) -> None:
    # The petition A1 received itself: once the county links it to A1's village, A1 reads
    # it no more, although A1 registered it.
    petition = about_a1["linked_later"]

    assert petition.receiving_township.code == "320101001"
    assert township_a1_client.get(url("petition_detail", petition.pk)).status_code == 404
