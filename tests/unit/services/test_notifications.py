"""Rendering and addressing notifications (contract §4): pure, no AWS."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from scheduling.domain.models import Attendee, Booking, Company, CompanySettings, NotificationRule, User
from scheduling.services.booking_input import try_normalise_phone
from scheduling.services.notifications import (
    Delivery,
    NotificationContext,
    deliveries,
    recipients,
    render,
    template_variables,
)

BASE = "https://app.example.com"


def a_booking(**changes) -> Booking:
    fields = dict(
        id="b-1", company_id="c-1", event_type_id="et-1", event_type_name="Free Consultation",
        host_user_ids=["u-1"], starts_at=datetime(2026, 11, 30, 22, 0, tzinfo=UTC),  # 9:00 AM Sydney
        ends_at=datetime(2026, 11, 30, 22, 45, tzinfo=UTC), timezone="Australia/Sydney",
        booker_name="Sarah Jones", booker_email="sarah@example.com", booker_phone="+61412345678",
        google_meet_link="https://meet.google.com/abc-defg-hij", management_token="tok-123",
        created_at=datetime(2026, 11, 1, tzinfo=UTC), updated_at=datetime(2026, 11, 1, tzinfo=UTC),
    )
    fields.update(changes)
    return Booking(**fields)


def a_context(booking: Booking | None = None, hosts: tuple[User, ...] = ()) -> NotificationContext:
    company = Company(id="c-1", slug="harbour-physio", name="Harbour Physio",
                      settings=CompanySettings(default_country="AU"))
    return NotificationContext(booking=booking or a_booking(), company=company,
                               event_type_name="Free Consultation", event_type_slug="free-consultation",
                               hosts=hosts)


JANE = User(id="u-1", company_id="c-1", name="Jane Smith", email="jane@harbourphysio.example", phone="+61400000001")


def test_every_template_variable_renders_in_the_bookers_time_zone():
    text = render("{booker_name}|{event_type}|{date}|{time}|{duration}|{meet_link}|{management_url}|{rebook_link}",
                  template_variables(a_context(), BASE))

    assert text == ("Sarah Jones|Free Consultation|Tuesday, 1 December 2026|9:00 AM|45 minutes|"
                    "https://meet.google.com/abc-defg-hij|https://app.example.com/book/harbour-physio/manage/tok-123|"
                    "https://app.example.com/book/harbour-physio/free-consultation")


def test_a_perth_booker_reads_the_time_on_their_own_clock():
    variables = template_variables(a_context(a_booking(timezone="Australia/Perth")), BASE)

    assert (variables["date"], variables["time"]) == ("Tuesday, 1 December 2026", "6:00 AM")


def test_an_unknown_variable_is_left_as_written_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="scheduling.notifications"):
        text = render("Hi {booker_name}, {bookr_name} {} {{x}} {\"json\": 1}", {"booker_name": "Sam"})

    assert text == "Hi Sam, {bookr_name} {} {{x}} {\"json\": 1}"
    assert "bookr_name" in caplog.text


def test_missing_meet_link_and_expired_token_render_as_empty_text():
    variables = template_variables(a_context(a_booking(google_meet_link=None, management_token=None)), BASE)

    assert (variables["meet_link"], variables["management_url"]) == ("", "")


@pytest.mark.parametrize(("who", "emails", "phones"), [
    ("booker", ["sarah@example.com"], ["+61412345678"]),
    ("booker_and_attendees", ["sarah@example.com", "pat@example.com"], ["+61412345678", "+61412999888"]),
    ("team", ["jane@harbourphysio.example"], ["+61400000001"]),
    ("all", ["sarah@example.com", "pat@example.com", "jane@harbourphysio.example"],
     ["+61412345678", "+61412999888", "+61400000001"]),
])
def test_recipients_follow_the_rule(who, emails, phones):
    booking = a_booking(attendees=[Attendee(email="pat@example.com", name="Pat", phone="0412 999 888"),
                                   Attendee(email="SARAH@example.com")])

    assert recipients(who, booking, (JANE,), "AU") == (emails, phones)


@pytest.mark.parametrize(("raw", "country", "expected"), [
    ("+61412345678", "AU", "+61412345678"),
    ("0412 345 678", "AU", "+61412345678"),
    ("(021) 123-4567", "NZ", "+64211234567"),
    ("0061412345678", "AU", "+61412345678"),
    ("0412 345 678", "XX", None),
    ("call me", "AU", None),
    ("", "AU", None),
])
def test_phone_numbers_are_sent_only_in_e164(raw, country, expected):
    assert try_normalise_phone(raw, country) == expected


def test_a_rule_renders_one_email_per_address_and_one_sms_per_number():
    rule = NotificationRule(channels=["email", "sms"], recipients="all", email_subject="Soon: {event_type}",
                            email_body="See you {time}", sms_body="{event_type} at {time}")

    out = deliveries("pre_meeting", rule, a_context(hosts=(JANE,)), BASE)

    assert out == [
        Delivery("email", "sarah@example.com", "See you 9:00 AM", "Soon: Free Consultation"),
        Delivery("email", "jane@harbourphysio.example", "See you 9:00 AM", "Soon: Free Consultation"),
        Delivery("sms", "+61412345678", "Free Consultation at 9:00 AM"),
        Delivery("sms", "+61400000001", "Free Consultation at 9:00 AM"),
    ]


def test_a_rule_without_texts_uses_the_default_template_of_its_kind():
    out = deliveries("no_show", NotificationRule(channels=["sms"]), a_context(), BASE)

    assert out == [Delivery("sms", "+61412345678", "We missed you at your Free Consultation. Book another time: "
                                                   "https://app.example.com/book/harbour-physio/free-consultation")]
