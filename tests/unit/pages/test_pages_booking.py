"""The public booking page (the rebook link): pick a day and time, give details, confirm."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from page_browser import Page, PageBrowser

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from tests.support.seeds import COMPANY_ID, booking_id

PATH = "/book/harbour-physio/free-consultation"


def details(page: Page, slot: str, **overrides: str) -> dict[str, str]:
    form = {"csrf_token": page.form_token(), "slot": slot, "timezone": "Australia/Sydney",
            "fullName": "Sarah Jones", "email": "sarah@example.com", "phone": "0412 345 678"}
    return {**form, **overrides}


def test_the_page_offers_free_days_and_times_of_the_event_type_in_the_company_zone(workspace, browser):
    page = browser.get(PATH)
    assert page.status == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Free Consultation" in page.text and "30 minutes with Jane Smith" in page.text
    assert "A complimentary session to discuss your needs." in page.text
    slots = page.slots()
    assert slots and all(re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", s) for s in slots)
    assert slots[0].endswith(" 09:00") and "9:00 AM" in page.text  # Jane starts at 9 in Sydney
    for label in ('for="fullName"', 'for="email"', 'for="phone"'):
        assert label in page.text


def test_the_times_follow_the_time_zone_the_booker_picks(workspace, browser):
    page = browser.get(PATH + "?tz=Australia/Perth")
    assert page.status == 200
    assert "(Australia/Perth)" in page.text
    first = page.slots()[0].split(" ")[1]
    assert first in ("06:00", "07:00")  # 9:00 Sydney is 6:00 (AEDT) or 7:00 (AEST) in Perth


def test_booking_through_the_page_books_and_lands_on_the_new_bookings_management_page(workspace, browser):
    page = browser.get(PATH)
    slot = page.slots()[2]
    done = browser.post(PATH, details(page, slot))
    assert done.status == 303
    assert re.fullmatch(r"/book/harbour-physio/manage/[0-9a-f-]{36}\?booked=1", done.location)
    landed = browser.follow(done)
    assert landed.status == 200 and "You're booked!" in landed.readable and 'data-status="confirmed"' in landed.text
    token = done.location.rsplit("/", 1)[1].split("?")[0]
    confirmation = [e for e in OUTBOX.snapshot()["emails"] if e["kind"] == "confirmation"]
    assert len(confirmation) == 1 and confirmation[0]["to"] == ["sarah@example.com"]
    assert f"/book/harbour-physio/manage/{token}" in confirmation[0]["body"]
    assert slot.split(" ")[1] not in browser.get(PATH + f"?date={slot.split(' ')[0]}").slots()


def test_an_invalid_email_comes_back_as_a_400_message_keeping_what_was_typed(workspace, browser):
    page = browser.get(PATH)
    again = browser.post(PATH, details(page, page.slots()[0], email="doug@resolvency."))
    assert again.status == 400 and again.error_code() == "INVALID_EMAIL"
    assert "Please enter a full email address" in again.text
    assert 'value="Sarah Jones"' in again.text and 'value="doug@resolvency."' in again.text
    assert re.search(r'id="email"[^>]*aria-invalid="true"', again.text)


def test_empty_name_is_missing_fields_and_a_bad_phone_is_a_validation_error_as_in_the_json_api(workspace, browser):
    page = browser.get(PATH)
    missing = browser.post(PATH, details(page, page.slots()[0], fullName="  "))
    assert missing.status == 400 and missing.error_code() == "MISSING_FIELDS"
    assert "Please fill in your name." in missing.text
    phone = browser.post(PATH, details(page, page.slots()[0], phone="call me maybe"))
    assert phone.status == 400 and phone.error_code() == "VALIDATION_ERROR" and "phone number" in phone.text
    no_time = browser.post(PATH, details(page, ""))
    assert no_time.status == 400 and no_time.error_code() == "MISSING_FIELDS"


def test_a_taken_time_is_a_409_with_the_closest_free_times_to_choose_from(workspace, browser):
    taken = wiring.bookings().get(COMPANY_ID, booking_id(0))
    slot = taken.starts_at.astimezone(ZoneInfo("Australia/Sydney")).strftime("%Y-%m-%d %H:%M")
    page = browser.get(PATH)
    refused = browser.post(PATH, details(page, slot))
    assert refused.status == 409 and refused.error_code() == "SLOT_UNAVAILABLE"
    assert "Closest free times" in refused.text and slot not in refused.slots()
    assert 'value="Sarah Jones"' in refused.text


def test_what_a_booker_types_is_shown_back_escaped(workspace, browser):
    page = browser.get(PATH)
    again = browser.post(PATH, details(page, page.slots()[0], fullName='<script>alert("x")</script>', email="bad"))
    assert again.status == 400
    assert "<script>alert" not in again.text and "&lt;script&gt;" in again.text


def test_a_post_without_the_pages_form_token_books_nothing(workspace, browser):
    page = browser.get(PATH)
    forged = PageBrowser().post(PATH, {**details(page, page.slots()[0]), "csrf_token": "1.forged"})
    assert forged.status == 403 and forged.error_code() == "CSRF_FAILED"
    assert OUTBOX.snapshot()["emails"] == []


def test_an_unknown_company_or_event_type_is_a_friendly_404_page(workspace, browser):
    for path in ("/book/harbour-physio/no-such-thing", "/book/nobody-here/free-consultation"):
        page = browser.get(path)
        assert page.status == 404, path
        assert page.headers["Content-Type"].startswith("text/html") and '"error"' not in page.text


def test_the_pages_inline_stylesheet_is_exactly_the_one_their_content_security_policy_allows(workspace, browser):
    import base64
    import hashlib

    page = browser.get(PATH)
    css = re.search(r"<style>(.*?)</style>", page.text, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in page.headers["Content-Security-Policy"]
    assert "font:" in css and "&#34;" not in css  # the real stylesheet, not an escaped copy
