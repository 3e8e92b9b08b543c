"""The management page a booker opens from their email: what it shows, cancel, reschedule, refusals."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

from page_browser import PageBrowser

from scheduling import wiring
from scheduling.adapters.outbox import OUTBOX
from scheduling.formatting import format_time
from scheduling.services.availability_queries import list_available_slots
from tests.support.seeds import COMPANY_ID, CONSULT_ID, OTHER_BOOKING_ID, OTHER_COMPANY_ID, booking_id


def token_of(company_id: str, booking: str) -> str:
    found = wiring.bookings().get(company_id, booking)
    assert found is not None and found.management_token
    return found.management_token


def manage_path(token: str, slug: str = "harbour-physio") -> str:
    return f"/book/{slug}/manage/{token}"


def is_free(day: str, time: str) -> bool:
    """Does the API's slot listing offer this Sydney time for a Free Consultation?"""
    listing = list_available_slots(COMPANY_ID, date_from=day, date_to=day, timezone_name="Australia/Sydney",
                                   now=datetime.now(UTC), event_type_id=CONSULT_ID)
    return time in {s.start.astimezone(listing.tz).strftime("%H:%M") for s in listing.slots}


def test_the_page_shows_the_booking_in_the_bookers_own_time_zone_with_host_and_both_actions(workspace, browser):
    # Given a Harbour (Sydney) booking whose booker is in Perth: 2:00 PM Sydney is 11:00 AM Perth
    booking = wiring.bookings().get(COMPANY_ID, booking_id(0))
    wiring.bookings().save(booking.model_copy(update={"timezone": "Australia/Perth",
                                                      "google_meet_link": "https://meet.google.com/abc-defg-hij"}))
    page = browser.get(manage_path(booking.management_token))
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Free Consultation" in page.text and "Jane Smith" in page.text
    local = booking.starts_at.astimezone(ZoneInfo("Australia/Perth"))
    assert f"{local.day} " in page.text and "11:00 AM – 11:30 AM" in page.text and "(Australia/Perth)" in page.text
    assert 'href="https://meet.google.com/abc-defg-hij"' in page.text
    assert "Confirmed" in page.text and "Move my booking" in page.text and "Cancel booking" in page.text
    assert page.headers["Referrer-Policy"] == "no-referrer"  # the token in the URL never leaves with a click
    assert "booker_csrf" in browser.cookies


def test_an_unknown_token_gets_a_friendly_404_page_that_echoes_nothing(workspace, browser):
    guess = str(uuid.uuid4())
    page = browser.get(manage_path(guess))
    assert page.status == 404
    assert page.headers["Content-Type"].startswith("text/html")
    assert "This link does not work" in page.text
    assert guess not in page.text and '"error"' not in page.text and "Traceback" not in page.text


def test_a_real_token_under_another_companys_address_is_the_same_404_as_a_guess(workspace, browser):
    other_company_token = token_of(OTHER_COMPANY_ID, OTHER_BOOKING_ID)
    borrowed = browser.get(manage_path(other_company_token, slug="harbour-physio"))
    guessed = browser.get(manage_path(str(uuid.uuid4())))
    assert borrowed.status == guessed.status == 404
    assert borrowed.text == guessed.text
    assert "Other Booker" not in borrowed.text


def test_a_token_past_its_expiry_gets_a_410_page_before_the_expiry_job_clears_it(workspace, browser):
    booking = wiring.bookings().get(COMPANY_ID, booking_id(0))
    past = datetime.now(UTC) - timedelta(minutes=1)
    wiring.bookings().save(booking.model_copy(update={"management_token_expires_at": past}))
    page = browser.get(manage_path(booking.management_token))
    assert page.status == 410
    assert "This link has expired" in page.text and "Free Consultation" not in page.text


def test_a_cancelled_booking_shows_its_state_and_offers_nothing_to_press(workspace, browser):
    page = browser.get(manage_path(token_of(COMPANY_ID, booking_id(3))))  # seeded as cancelled
    assert page.status == 200
    assert 'data-status="cancelled"' in page.text and "has been cancelled" in page.text
    assert "<form" not in page.text and "Move my booking" not in page.text


def test_the_page_names_whose_booking_it_is(workspace, browser):
    page = browser.get(manage_path(token_of(COMPANY_ID, booking_id(1))))
    assert page.status == 200
    assert '<dd data-field="booker">Booker 1</dd>' in page.text


def test_a_cancelled_booking_links_to_the_booking_page_to_book_again(workspace, browser):
    path = manage_path(token_of(COMPANY_ID, booking_id(3)))  # seeded as cancelled
    page = browser.get(path)
    assert '<a href="../free-consultation" data-action="book-again">Book a new time</a>' in page.text
    # the relative link, resolved against the manage page's address, is the event type's booking page
    booking_page = browser.get("/book/harbour-physio/free-consultation")
    assert booking_page.status == 200 and "Free Consultation" in booking_page.text


def test_the_picker_opens_on_the_bookings_own_day_not_the_first_day_with_times(workspace, browser):
    booking = wiring.bookings().get(COMPANY_ID, booking_id(2))  # Wednesday of next week, 2 PM Sydney
    own_day = booking.starts_at.astimezone(ZoneInfo("Australia/Sydney")).date().isoformat()
    page = browser.get(manage_path(booking.management_token))
    assert page.status == 200
    days = page.text.split('aria-current="date"')
    assert len(days) == 2, "exactly one day is highlighted"
    assert days[1].startswith(f' data-date="{own_day}"')
    first_offered = page.text.split('data-date="', 1)[1].split('"', 1)[0]
    assert first_offered < own_day  # earlier days have times too: the highlight is not just the first


def test_cancelling_from_the_page_frees_the_time_and_sends_the_cancellation_email(workspace, browser):
    booking = wiring.bookings().get(COMPANY_ID, booking_id(0))
    local = booking.starts_at.astimezone(ZoneInfo("Australia/Sydney"))
    day, time = local.date().isoformat(), local.strftime("%H:%M")
    assert not is_free(day, time)
    path = manage_path(booking.management_token)
    form = browser.get(path)
    done = browser.post(path + "/cancel", {"csrf_token": form.form_token(), "reason": "Feeling better"})
    assert done.status == 303 and done.location == path + "?cancelled=1"
    after = browser.follow(done)
    assert after.status == 200
    assert "Your booking has been cancelled." in after.text and "Feeling better" in after.text
    assert "<form" not in after.text
    assert is_free(day, time)
    assert [e["kind"] for e in OUTBOX.snapshot()["emails"] if e["booking_id"] == booking.id] == ["cancellation"]


def test_a_form_post_without_the_pages_cookie_and_token_is_refused_and_changes_nothing(workspace, browser):
    token = token_of(COMPANY_ID, booking_id(0))
    forged = PageBrowser().post(manage_path(token) + "/cancel", {"reason": "forged"})
    assert forged.status == 403 and forged.error_code() == "CSRF_FAILED"
    # a real form token without the cookie it was issued with is refused too
    stolen = browser.get(manage_path(token)).form_token()
    assert PageBrowser().post(manage_path(token) + "/cancel", {"csrf_token": stolen}).status == 403
    assert wiring.bookings().get(COMPANY_ID, booking_id(0)).status == "confirmed"


def test_a_form_token_issued_for_one_booking_does_not_work_on_another(workspace, browser):
    first, second = token_of(COMPANY_ID, booking_id(0)), token_of(COMPANY_ID, booking_id(1))
    issued_for_first = browser.get(manage_path(first)).form_token()
    page = browser.post(manage_path(second) + "/cancel", {"csrf_token": issued_for_first})
    assert page.status == 403
    assert wiring.bookings().get(COMPANY_ID, booking_id(1)).status == "confirmed"


def test_rescheduling_moves_the_booking_gives_a_new_link_and_the_old_link_stops_working(workspace, browser):
    old = wiring.bookings().get(COMPANY_ID, booking_id(0))
    old_local = old.starts_at.astimezone(ZoneInfo("Australia/Sydney"))
    path = manage_path(old.management_token)
    form = browser.get(path)
    target = form.slots()[3]  # e.g. "2026-11-26 10:30": a real free time offered by the page
    moved = browser.post(path + "/reschedule", {"csrf_token": form.form_token(), "slot": target})
    assert moved.status == 303
    new_path = moved.location
    assert new_path.startswith("/book/harbour-physio/manage/") and new_path != path
    new_page = browser.follow(moved)
    assert "Your booking has been moved to the new time." in new_page.text
    day, time = target.split(" ")
    hh, mm = map(int, time.split(":"))
    assert f"{format_time(clock(hh, mm))} – " in new_page.text
    assert old.management_token not in new_page.text
    assert browser.get(path).status == 404
    assert is_free(old_local.date().isoformat(), old_local.strftime("%H:%M"))
    assert not is_free(day, time)


def test_a_time_that_is_taken_comes_back_as_a_409_page_with_the_closest_free_times(workspace, browser):
    mine, theirs = (wiring.bookings().get(COMPANY_ID, booking_id(n)) for n in (0, 1))
    taken = theirs.starts_at.astimezone(ZoneInfo("Australia/Sydney")).strftime("%Y-%m-%d %H:%M")
    path = manage_path(mine.management_token)
    page = browser.post(path + "/reschedule", {"csrf_token": browser.get(path).form_token(), "slot": taken})
    assert page.status == 409 and page.error_code() == "SLOT_UNAVAILABLE"
    assert "Closest free times" in page.text and len(page.slots()) > 5
    assert wiring.bookings().get(COMPANY_ID, mine.id).starts_at == mine.starts_at


def test_after_twenty_failed_links_from_one_address_even_a_valid_link_is_refused_with_429(workspace):
    valid = manage_path(token_of(COMPANY_ID, booking_id(0)))
    scanner = PageBrowser(ip="203.0.113.66")
    statuses = {scanner.get(manage_path(str(uuid.uuid4()))).status for _ in range(20)}
    assert statuses == {404}
    refused = scanner.get(valid)
    assert refused.status == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Too many attempts" in refused.text and "Free Consultation" not in refused.text
    assert scanner.post(valid + "/cancel", {}).status == 429
    assert PageBrowser(ip="203.0.113.67").get(valid).status == 200  # other addresses are not affected
