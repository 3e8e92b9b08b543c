"""The company's CRM after bookings: one contact per person, customers, opportunities per rule."""

from __future__ import annotations

from scheduling import wiring
from tests.integration.test_booking_create import MONDAY_AFTER, WEDNESDAY, book
from tests.support.seeds import COMPANY_ID, CONSULT_ID


def crm() -> dict:
    return wiring.crm().snapshot([COMPANY_ID])


def set_deal_behavior(behavior: str, template: str | None = None) -> None:
    companies = wiring.companies()
    event_type = companies.get_event_type(COMPANY_ID, CONSULT_ID)
    update = {"booking_deal_behavior": behavior}
    if template:
        update["booking_deal_name_template"] = template
    companies.put_event_type(event_type.model_copy(update=update))


def test_a_first_booking_creates_contact_customer_opportunity_and_activity(workspace) -> None:
    set_deal_behavior("create", "{event_type} for {customer_name} on {date} at {time}")
    booking = book(phone="0412 345 678", company_name="Acme Pty Ltd", booker_state="WA", booker_timezone="WA")

    records = crm()
    assert records["contacts"] == [{
        "id": booking.contact_id, "company_id": COMPANY_ID, "name": "Sarah Jones", "email": "sarah@example.com",
        "phone": "+61412345678", "state": "WA", "timezone": "Australia/Perth"}]
    assert records["customers"] == [{"id": booking.customer_id, "company_id": COMPANY_ID, "name": "Acme Pty Ltd"}]
    [opportunity] = records["opportunities"]
    assert opportunity["id"] == booking.deal_id
    assert opportunity["name"] == (f"Free Consultation for Acme Pty Ltd on "
                                   f"{_human(WEDNESDAY)} at 10:00 AM")
    assert (opportunity["contact_id"], opportunity["customer_id"]) == (booking.contact_id, booking.customer_id)
    [activity] = records["activities"]
    assert (activity["type"], activity["booking_id"], activity["contact_id"]) == ("booked", booking.id,
                                                                                 booking.contact_id)


def test_a_returning_booker_is_matched_by_email_in_any_case_and_keeps_their_state(workspace) -> None:
    first = book(booker_state="NSW")
    second = book(email="SARAH@Example.com", time="11:00", booker_state="VIC", booker_timezone="Australia/Melbourne",
                  phone="0412 345 678")

    assert second.contact_id == first.contact_id
    [contact] = crm()["contacts"]
    assert contact["state"] == "NSW"  # already filled: not overwritten
    assert contact["timezone"] == "Australia/Melbourne"  # was empty: filled
    assert contact["phone"] == "+61412345678"


def test_a_booker_with_a_new_email_but_a_known_phone_is_the_same_contact(workspace) -> None:
    first = book(phone="+61412345678")
    second = book(email="sarah.work@example.com", phone="0412 345 678", time="11:00")
    assert second.contact_id == first.contact_id
    assert len(crm()["contacts"]) == 1


def test_update_or_create_reuses_the_contacts_opportunity(workspace) -> None:
    set_deal_behavior("update_or_create")
    first = book()
    second = book(time="11:00")
    third = book(email="someone.else@example.com", time="11:30")
    assert second.deal_id == first.deal_id
    assert third.deal_id not in (None, first.deal_id)
    assert len(crm()["opportunities"]) == 2


def test_create_makes_a_new_opportunity_for_every_booking(workspace) -> None:
    first = book()
    second = book(time="11:00")
    assert first.deal_id != second.deal_id and len(crm()["opportunities"]) == 2


def test_never_create_books_without_an_opportunity(workspace) -> None:
    set_deal_behavior("never_create")
    booking = book(date=MONDAY_AFTER.isoformat())
    assert booking.deal_id is None and crm()["opportunities"] == []
    assert crm()["activities"][0]["opportunity_id"] is None


def test_the_same_company_name_in_another_case_is_the_same_customer(workspace) -> None:
    first = book(company_name="Acme Pty Ltd")
    second = book(email="other@example.com", company_name="  ACME pty ltd ", time="11:00")
    assert second.customer_id == first.customer_id and len(crm()["customers"]) == 1


def _human(day) -> str:
    from scheduling.formatting import format_date

    return format_date(day)
