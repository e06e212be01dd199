"""The petition pages through the test client, as a browser uses them: the list with its
overdue count, badge and filter, registration and correction with their Chinese errors, the
steps as POST forms, the logged reveal of the phone, attachments, and who gets 403 or 404."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from candidates.services import MSG_ATTACHMENT_TYPE
from petitions import services
from petitions.models import EventAction, Level, Petition, PetitionAttachment, Status
from tests.conftest import World
from tests.petitions.conftest import RECENT, TODAY, Register

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
REQUIRED = "这个字段是必填项。"  # Django's own Chinese message
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def url(name: str, *args: object) -> str:
    return reverse(f"petitions:{name}", args=args)


def page(response: object) -> str:
    return response.content.decode()


def shown_messages(response: object) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def overdue(county_a: User, register: Register) -> Petition:
    """Received 40 days ago and never decided: past its 15 days whatever the calendar."""
    return register(county_a, received_on=TODAY - 40 * DAY, content="逾期未受理")


@pytest.fixture
def fresh(county_a: User, register: Register) -> Petition:
    return register(county_a, content="刚收到")


# The list --------------------------------------------------------------------------------


def test_the_list_counts_marks_and_filters_overdue_petitions(
    county_a_client: Client, overdue: Petition, fresh: Petition
) -> None:
    # when
    response = county_a_client.get(url("petition_list"))

    # then: the count above the list, the row in red with its badge
    assert response.context["counts"].overdue == 1
    assert response.context["counts"].total == 2
    html = page(response)
    row = html[html.index(overdue.number) - 300 : html.index(overdue.number)]
    assert "table-danger" in row
    assert "badge text-bg-danger" in html

    # and the filter lists only the overdue one
    filtered = page(county_a_client.get(url("petition_list") + "?overdue=yes"))
    assert overdue.number in filtered
    assert fresh.number not in filtered


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?status=registered", {"city", "county"}),
        ("?level=city", {"city"}),
        ("?channel=visit", {"city"}),
        ("?category=vote_buying", {"county"}),
        ("?q=拉票", {"county"}),
    ],
)
def test_the_list_filters(
    world: World,
    city_client: Client,
    city: User,
    county_a: User,
    register: Register,
    query: str,
    shown: set[str],
) -> None:
    petitions = {
        "city": register(city, Level.CITY, channel="visit", people_count=3, content="来访"),
        "county": register(county_a, category="vote_buying", content="有人拉票"),
    }

    html = page(city_client.get(url("petition_list") + query))

    assert {key for key, p in petitions.items() if p.number in html} == shown


def test_the_list_filters_by_county_and_campaign(
    world: World, city_client: Client, county_a: User, register: Register
) -> None:
    petition = register(county_a)

    by_county = page(city_client.get(url("petition_list") + f"?county={world.county_b.pk}"))
    by_campaign = page(city_client.get(url("petition_list") + f"?campaign={world.campaign.pk}"))

    assert petition.number not in by_county
    assert petition.number in by_campaign


def test_the_list_offers_registration_only_to_those_who_register(
    inspector_client: Client, county_a_client: Client
) -> None:
    assert url("petition_create") not in page(inspector_client.get(url("petition_list")))
    assert url("petition_create") in page(county_a_client.get(url("petition_list")))


# Registration ----------------------------------------------------------------------------


def form_data(**fields: object) -> dict:
    data = {
        "level": "county",
        "received_on": RECENT.isoformat(),
        "channel": "visit",
        "real_name": "1",
        "petitioner_name": "孙八",
        "petitioner_phone": "13912345678",
        "people_count": "3",
        "category": "vote_buying",
        "content": "反映有人请客拉票",
    }
    data.update(fields)
    return data


def test_the_county_registers_a_petition(
    world: World, county_a_client: Client, county_a: User
) -> None:
    data = form_data(county=world.county_a.pk, village=world.village("a2").code)

    response = county_a_client.post(url("petition_create"), data)

    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response.url == url("petition_detail", petition.pk)
    assert (petition.level, petition.county, petition.about_township) == (
        Level.COUNTY,
        world.county_a,
        world.township_a2,
    )
    assert petition.registered_by == county_a
    assert petition.events.get().action == EventAction.REGISTERED


def test_the_form_comes_back_with_chinese_errors(world: World, county_a_client: Client) -> None:
    # given: no content, a name on an anonymous petition, a village outside the region
    data = form_data(
        county=world.county_a.pk, content="", real_name="0", village=world.village("b1").code
    )

    response = county_a_client.post(url("petition_create"), data)

    # then: the page again, every error on its field, nothing saved
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["content"] == [REQUIRED]
    assert form.errors["village"] == [str(form.fields["village"].error_messages["invalid_choice"])]
    assert not Petition.objects.exists()
    assert REQUIRED in page(response)
    assert 'aria-invalid="true"' in page(response)


def test_the_phone_is_checked_as_the_import_checks_it(
    world: World, county_a_client: Client
) -> None:
    refused = county_a_client.post(
        url("petition_create"), form_data(county=world.county_a.pk, petitioner_phone="1234")
    )
    kept = county_a_client.post(
        url("petition_create"),
        form_data(county=world.county_a.pk, petitioner_phone="0523-8123 4567"),
    )

    assert refused.context["form"].errors["petitioner_phone"] == ["“1234”不是有效的电话号码。"]
    assert kept.status_code == 302
    assert Petition.objects.get().petitioner_phone == "052381234567"


def test_the_services_errors_land_on_the_form(world: World, county_a_client: Client) -> None:
    data = form_data(county=world.county_a.pk, real_name="0")

    response = county_a_client.post(url("petition_create"), data)

    assert response.context["form"].errors["petitioner_name"] == [str(services.MSG_ANONYMOUS_NAME)]
    assert escape(str(services.MSG_ANONYMOUS_NAME)) in page(response)


def test_a_candidate_is_named_in_the_village(
    world: World, county_a_client: Client, county_a: User
) -> None:
    from candidates.models import Candidacy, Person

    person = Person.objects.create(
        name="周九",
        gender="M",
        birth_date=datetime.date(1980, 1, 1),
        id_number="320102198001010018",
        township=world.township_a2,
    )
    candidacy = Candidacy.objects.create(
        election=world.election("a2"), person=person, education="bachelor"
    )
    base = form_data(county=world.county_a.pk, village=world.village("a2").code)

    wrong = county_a_client.post(url("petition_create"), {**base, "candidate_name": "不存在"})
    right = county_a_client.post(url("petition_create"), {**base, "candidate_name": "周九"})

    assert "candidate_name" in wrong.context["form"].errors
    assert right.status_code == 302
    assert Petition.objects.get().candidacy == candidacy


def test_a_townships_form_has_no_related_fields_and_fixes_the_township(
    world: World, township_a1_client: Client
) -> None:
    form = township_a1_client.get(url("petition_create")).context["form"]

    assert "village" not in form.fields
    assert "about_township" not in form.fields
    assert [value for value, _label in form.fields["level"].choices] == ["township"]
    assert list(form.fields["receiving_township"].queryset) == [world.township_a1]


def test_a_township_registers_what_it_received(world: World, township_a1_client: Client) -> None:
    data = form_data(level="township", receiving_township=world.township_a1.pk)

    response = township_a1_client.post(url("petition_create"), data)

    assert response.status_code == 302
    assert Petition.objects.get().receiving_township == world.township_a1


def test_the_registration_is_corrected(
    county_a_client: Client, fresh: Petition, world: World
) -> None:
    data = form_data(content="更正后的内容", village=world.village("a2").code)
    del data["level"]

    response = county_a_client.post(url("petition_edit", fresh.pk), data)

    assert response.status_code == 302
    fresh.refresh_from_db()
    assert (fresh.content, fresh.village) == ("更正后的内容", world.village("a2"))
    assert LogEntry.objects.get_for_object(fresh).filter(action=LogEntry.Action.UPDATE).exists()


def test_a_closed_petition_offers_no_correction(
    county_a_client: Client, county_a: User, fresh: Petition
) -> None:
    services.petition_decline(by=county_a, petition=fresh, on=TODAY, reason="已有结论")

    assert county_a_client.get(url("petition_edit", fresh.pk)).status_code == 403
    assert url("petition_edit", fresh.pk) not in page(
        county_a_client.get(url("petition_detail", fresh.pk))
    )


# The detail page and the steps ----------------------------------------------------------


def test_the_detail_shows_the_deadlines_and_why_a_holiday_moved_one(
    world: World, county_a_client: Client, county_a: User, register: Register
) -> None:
    # received 16 September 2026: day 15 is 1 October (National Day) → 8 October
    petition = register(county_a, received_on=datetime.date(2026, 9, 16))

    response = county_a_client.get(url("petition_detail", petition.pk))

    html = page(response)
    assert "2026-10-08" in html
    assert "2026-10-01" in html
    assert "国庆节" in html
    assert response.context["deadlines"][0].deadline.moved


def test_the_detail_marks_an_overdue_petition(county_a_client: Client, overdue: Petition) -> None:
    response = county_a_client.get(url("petition_detail", overdue.pk))

    assert response.context["overdue"] is True
    assert "alert alert-danger" in page(response)


def test_the_county_takes_each_step_by_post(county_a_client: Client, fresh: Petition) -> None:
    steps = [
        ("petition_accept", {"accept-on": TODAY.isoformat(), "accept-note": "受理"}),
        ("petition_investigate", {"investigate-on": TODAY.isoformat()}),
        (
            "petition_extend",
            {
                "extend-days": "20",
                "extend-approved_by": "部长 王某",
                "extend-approved_on": TODAY.isoformat(),
                "extend-reason": "情况复杂",
            },
        ),
        ("petition_answer", {"answer-on": TODAY.isoformat(), "answer-answer": "已答复"}),
        ("petition_close", {"close-on": TODAY.isoformat()}),
    ]
    for name, data in steps:
        response = county_a_client.post(url(name, fresh.pk), data)
        assert response.status_code == 302, (name, response.context and response.context["steps"])

    fresh.refresh_from_db()
    assert (fresh.status, fresh.extension_days) == (Status.CLOSED, 20)
    timeline = page(county_a_client.get(url("petition_detail", fresh.pk)))
    assert "部长 王某" in timeline


def test_a_refused_step_comes_back_with_its_message(
    county_a_client: Client, county_a: User, fresh: Petition
) -> None:
    services.petition_accept(by=county_a, petition=fresh, on=TODAY)

    response = county_a_client.post(
        url("petition_decline", fresh.pk),
        {"decline-on": TODAY.isoformat(), "decline-reason": "不属实"},
    )

    assert response.status_code == 200
    assert escape(str(services.MSG_DECLINE_AFTER_ACCEPT)) in page(response)
    assert Petition.objects.get(pk=fresh.pk).status == Status.ACCEPTED


def test_a_step_form_with_an_empty_field_comes_back_in_chinese(
    county_a_client: Client, fresh: Petition
) -> None:
    response = county_a_client.post(url("petition_decline", fresh.pk), {"decline-on": ""})

    assert response.status_code == 200
    assert REQUIRED in page(response)


def test_a_second_extension_is_not_offered_and_is_refused(
    county_a_client: Client, county_a: User, fresh: Petition
) -> None:
    services.petition_accept(by=county_a, petition=fresh, on=TODAY)
    services.petition_extend(
        by=county_a, petition=fresh, days=10, reason="复杂", approved_by="部长", approved_on=TODAY
    )

    detail = county_a_client.get(url("petition_detail", fresh.pk))
    again = county_a_client.post(
        url("petition_extend", fresh.pk),
        {
            "extend-days": "5",
            "extend-approved_by": "部长",
            "extend-approved_on": TODAY.isoformat(),
            "extend-reason": "再延",
        },
    )

    assert "extend" not in [name for name, _label, _form in detail.context["steps"]]
    assert escape(str(services.MSG_ALREADY_EXTENDED)) in page(again)


def test_the_township_sees_only_the_transfer_and_inspectors_no_step(
    township_a1_client: Client, inspector_client: Client, a1_own: Petition
) -> None:
    township = township_a1_client.get(url("petition_detail", a1_own.pk)).context["steps"]
    inspector = inspector_client.get(url("petition_detail", a1_own.pk)).context["steps"]

    assert [name for name, _label, _form in township] == ["transfer"]
    assert inspector == []


def test_the_township_transfers_by_post(township_a1_client: Client, a1_own: Petition) -> None:
    response = township_a1_client.post(
        url("petition_transfer", a1_own.pk),
        {"transfer-to": "甲县委组织部", "transfer-on": TODAY.isoformat()},
    )

    assert response.status_code == 302
    assert Petition.objects.get(pk=a1_own.pk).status == Status.TRANSFERRED


@pytest.mark.parametrize(
    "name", ["petition_accept", "petition_decline", "petition_answer", "petition_extend"]
)
def test_a_township_may_not_take_a_handlers_step(
    township_a1_client: Client, a1_own: Petition, name: str
) -> None:
    assert township_a1_client.post(url(name, a1_own.pk), {}).status_code == 403


def test_scoping_404_for_another_county_and_403_for_inspectors(
    township_b1_client: Client, inspector_client: Client, a1_own: Petition
) -> None:
    assert township_b1_client.get(url("petition_detail", a1_own.pk)).status_code == 404
    assert inspector_client.get(url("petition_detail", a1_own.pk)).status_code == 200
    assert inspector_client.get(url("petition_edit", a1_own.pk)).status_code == 403
    assert inspector_client.post(url("petition_transfer", a1_own.pk), {}).status_code == 403
    assert inspector_client.post(url("petition_reveal", a1_own.pk)).status_code == 403


# The phone and attachments -------------------------------------------------------------


def test_the_phone_is_masked_and_revealed_by_a_logged_action(
    township_a1_client: Client, township_a1: User, a1_own: Petition
) -> None:
    detail = page(township_a1_client.get(url("petition_detail", a1_own.pk)))
    assert "138****8000" in detail
    assert "13800138000" not in detail

    revealed = township_a1_client.post(url("petition_reveal", a1_own.pk), HTTP_HX_REQUEST="true")

    assert "13800138000" in page(revealed)
    entry = LogEntry.objects.get_for_object(a1_own).get(action=LogEntry.Action.ACCESS)
    assert entry.actor == township_a1
    assert entry.changes_dict == {"petitioner_phone": ["masked", "revealed"]}


def test_the_audit_log_masks_the_phone(a1_own: Petition) -> None:
    entry = LogEntry.objects.get_for_object(a1_own).get(action=LogEntry.Action.CREATE)

    assert "13800138000" not in str(entry.changes)


def test_a_file_is_attached_and_downloaded(county_a_client: Client, fresh: Petition) -> None:
    upload = SimpleUploadedFile("举报信.pdf", PDF, content_type="application/pdf")

    response = county_a_client.post(url("attachment_upload", fresh.pk), {"upload-file": upload})

    assert response.status_code == 302
    attachment = PetitionAttachment.objects.get()
    download = county_a_client.get(url("attachment_download", attachment.pk))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_a_file_that_is_not_what_it_says_is_refused(
    county_a_client: Client, fresh: Petition
) -> None:
    # a PNG renamed .pdf
    upload = SimpleUploadedFile("信.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 20)

    response = county_a_client.post(url("attachment_upload", fresh.pk), {"upload-file": upload})

    assert response.status_code == 200
    assert escape(str(MSG_ATTACHMENT_TYPE)) in page(response)
    assert not PetitionAttachment.objects.exists()


def test_the_list_and_the_detail_read_in_a_fixed_number_of_queries(
    world: World, city_client: Client, county_a: User, register: Register
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(name: str, *args: object) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert city_client.get(url(name, *args)).status_code == 200
        return len(captured)

    first = register(county_a, village=world.village("a2"))
    queries("petition_list")  # the first page view of a session renews it (a write)
    few = queries("petition_list")
    detail = queries("petition_detail", first.pk)
    for n in range(6):
        petition = register(county_a, village=world.village("a1"), content=f"第{n}件")
        services.petition_accept(by=county_a, petition=petition, on=TODAY)

    assert queries("petition_list") == few
    assert queries("petition_detail", petition.pk) == detail
