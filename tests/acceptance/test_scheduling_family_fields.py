"""The `/scheduling/*` family's own field names (contract §9) all the way through: `contact_id` and
`deal_id` on create, errors naming the family's fields in the §3 order, cancel's `reason`."""

from __future__ import annotations

from tests.support.seeds import CONSULT_ID, RW_KEY, next_weekday, sydney

DAY = next_weekday(3, weeks_ahead=2)
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def create(api, hh: int, **fields):  # noqa: ANN001, ANN003, ANN201
    body = {"event_type_id": CONSULT_ID, "start_time": sydney(DAY, hh), "invitee_email": "kim@example.com",
            "invitee_name": "Kim Lee", **fields}
    return api.post("/v1/scheduling/bookings", {k: v for k, v in body.items() if v is not None}, key=RW_KEY)


def error_of(response) -> tuple[int, str, object]:  # noqa: ANN001
    error = response.json["error"]
    return response.status, error["code"], error.get("details", {}).get("field")


def test_contact_id_and_deal_id_put_the_booking_on_that_contact_and_deal(api) -> None:
    first = create(api, 9, invitee_email="parent@example.com", invitee_name="Pat Parent")
    assert first.status == 201, first.text
    crm = first.json["data"]["crm"]
    assert crm["deal_id"], "the seed's Free Consultation opens a deal per booking"

    # a child booked by the parent: another email, but the parent's contact and the same deal
    second = create(api, 10, invitee_email="child@example.com", invitee_name="Chris Child",
                    contact_id=crm["contact_id"], deal_id=crm["deal_id"])

    assert second.status == 201, second.text
    assert second.json["data"]["crm"]["contact_id"] == crm["contact_id"]
    assert second.json["data"]["crm"]["deal_id"] == crm["deal_id"]
    listed = api.get(f"/v1/scheduling/bookings?deal_id={crm['deal_id']}", key=RW_KEY).json["data"]
    assert sorted(b["booker_email"] for b in listed) == ["child@example.com", "parent@example.com"]
    without = create(api, 11, invitee_email="child@example.com", invitee_name="Chris Child")
    assert without.json["data"]["crm"]["deal_id"] != crm["deal_id"]


def test_an_unknown_contact_or_deal_is_a_validation_error_naming_it_and_books_nothing(api) -> None:
    assert error_of(create(api, 13, contact_id=UNKNOWN_ID)) == (400, "VALIDATION_ERROR", "contact_id")
    assert error_of(create(api, 13, deal_id=UNKNOWN_ID)) == (400, "VALIDATION_ERROR", "deal_id")
    assert create(api, 13).status == 201


def test_create_checks_in_the_contract_order_and_names_the_familys_fields(api) -> None:
    # shape (start_time) → email → time zone, as the §3 create
    assert error_of(create(api, 14, start_time="next tuesday", invitee_email="doug@resolvency.",
                           timezone="Mars/Olympus")) == (400, "VALIDATION_ERROR", "start_time")
    assert error_of(create(api, 14, invitee_email="doug@resolvency.", timezone="Mars/Olympus"))[1] == "INVALID_EMAIL"
    assert error_of(create(api, 14, timezone="Mars/Olympus"))[1] == "INVALID_TIMEZONE"
    missing = create(api, 14, invitee_name=None)
    assert missing.status == 400 and missing.json["error"]["details"]["fields"] == ["invitee_name"]


def test_list_reports_to_before_from_under_the_familys_names(api) -> None:
    response = api.get(f"/v1/scheduling/bookings?from={DAY.isoformat()}&to=2020-01-01", key=RW_KEY)

    assert error_of(response) == (400, "VALIDATION_ERROR", "to")
    assert "from" in response.json["error"]["details"]["expected"]
    assert "date_" not in response.text


def test_cancel_takes_reason_as_well_as_cancellation_reason(api) -> None:
    booking = create(api, 15).json["data"]["booking"]

    cancelled = api.post(f"/v1/scheduling/bookings/{booking['id']}/cancel", {"reason": "Feeling better"}, key=RW_KEY)

    assert cancelled.status == 200, cancelled.text
    stored = api.get(f"/v1/scheduling/bookings/{booking['id']}", key=RW_KEY).json["data"]
    assert (stored["status"], stored["cancellation_reason"]) == ("cancelled", "Feeling better")


def test_available_slots_names_start_date_and_end_date_in_its_errors(api) -> None:
    body = {"event_type_id": CONSULT_ID, "start_date": DAY.isoformat()}

    backwards = api.post("/v1/scheduling/available-slots", {**body, "end_date": "2020-01-01"}, key=RW_KEY)
    too_long = api.post("/v1/scheduling/available-slots", {**body, "end_date": "2099-01-01"}, key=RW_KEY)

    assert error_of(backwards) == (400, "VALIDATION_ERROR", "end_date")
    assert error_of(too_long) == (400, "VALIDATION_ERROR", "end_date")
    assert "end_date = " in too_long.json["error"]["fix"]  # the suggested value, under the name the caller sends
    for response in (backwards, too_long):
        assert "date_from" not in response.text and "date_to" not in response.text, response.text


def test_reschedule_names_slot_when_its_local_form_is_not_a_date_and_time(api) -> None:
    booking = create(api, 16).json["data"]["booking"]

    for slot in ("2026-13-45 10:00", f"{DAY.isoformat()} 25:00"):
        response = api.post(f"/v1/scheduling/bookings/{booking['id']}/reschedule", {"slot": slot}, key=RW_KEY)

        assert error_of(response) == (400, "VALIDATION_ERROR", "slot"), response.text
        assert "YYYY-MM-DD HH:MM" in response.json["error"]["details"]["expected"]
    unchanged = api.get(f"/v1/scheduling/bookings/{booking['id']}", key=RW_KEY).json["data"]
    assert unchanged["status"] == "confirmed"
