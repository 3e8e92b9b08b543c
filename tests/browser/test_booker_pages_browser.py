"""A booker in headless Chromium: the emailed management link, reschedule, cancel, an expired link,
and booking on the public page. One local server and one browser for the module."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.seeds import CONSULT_ID, RW_KEY, SYDNEY, next_weekday

BOOKING_PAGE = "/book/harbour-physio/free-consultation"


def book_by_api(server: Any, day: str, time: str, email: str) -> dict[str, Any]:
    body = {"event_type_id": CONSULT_ID, "date": day, "time": time, "timezone": "Australia/Sydney",
            "fullName": "Browser Booker", "email": email}
    created = server.post("/v1/scheduling-bookings", body, key=RW_KEY)
    assert created.status == 201, created.text
    return created.json["data"]["booking"]


def emailed_link(server: Any, email: str) -> str:
    """The management link of the confirmation email, as a path on this test server."""
    mail = next(e for e in server.get("/_local/outbox").json["emails"]
                if e["kind"] == "confirmation" and e["to"] == [email])
    link = re.search(r"https?://\S+/book/harbour-physio/manage/[0-9a-f-]{36}", mail["body"]).group(0)
    return urlsplit(link).path  # the email names APP_BASE_URL's port; this server runs on another


def is_available(server: Any, day: str, time: str) -> bool:
    body = {"event_type_id": CONSULT_ID, "date": day, "time": time, "timezone": "Australia/Sydney"}
    answer = server.post("/v1/scheduling-bookings/check-availability", body, key=RW_KEY)
    assert answer.status == 200, answer.text
    return answer.json["data"]["available"]


def text_of(driver: Any, css: str) -> str:
    return driver.find_element(By.CSS_SELECTOR, css).text


def wait_for_text(driver: Any, text: str) -> None:
    WebDriverWait(driver, 15).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), text))


def test_a_booker_moves_their_booking_from_the_emailed_link_and_the_old_time_becomes_free(server, driver, screenshot):
    tuesday, wednesday = next_weekday(1), next_weekday(2)
    book_by_api(server, tuesday.isoformat(), "10:00", "mover@example.com")
    assert not is_available(server, tuesday.isoformat(), "10:00")
    old_link = emailed_link(server, "mover@example.com")

    driver.get(server.base + old_link)
    assert text_of(driver, "[data-field=time]").startswith("10:00 AM – 10:30 AM")
    screenshot("1-booking")
    driver.find_element(By.CSS_SELECTOR, f'a[data-date="{wednesday.isoformat()}"]').click()
    driver.find_element(By.CSS_SELECTOR, f'input[name=slot][value="{wednesday.isoformat()} 15:00"]').click()
    screenshot("2-new-time-chosen")
    driver.find_element(By.XPATH, "//button[normalize-space()='Move my booking']").click()

    wait_for_text(driver, "Your booking has been moved to the new time.")
    screenshot("3-moved")
    assert text_of(driver, "[data-field=time]").startswith("3:00 PM – 3:30 PM")
    assert text_of(driver, "[data-field=date]").startswith("Wednesday")
    assert urlsplit(driver.current_url).path != old_link  # a new token
    assert is_available(server, tuesday.isoformat(), "10:00")
    assert not is_available(server, wednesday.isoformat(), "15:00")

    driver.get(server.base + old_link)
    assert "This link does not work" in text_of(driver, "h1")


def test_a_booker_cancels_with_a_reason_and_the_page_then_offers_no_actions(server, driver, screenshot):
    thursday = next_weekday(3)
    book_by_api(server, thursday.isoformat(), "11:00", "canceller@example.com")
    driver.get(server.base + emailed_link(server, "canceller@example.com"))
    driver.find_element(By.ID, "reason").send_keys("Something came up")
    screenshot("1-reason")
    driver.find_element(By.XPATH, "//button[normalize-space()='Cancel booking']").click()

    wait_for_text(driver, "Your booking has been cancelled.")
    screenshot("2-cancelled")
    assert text_of(driver, "[data-status]") == "Cancelled"
    assert "Something came up" in text_of(driver, "dl.booking")
    assert driver.find_elements(By.TAG_NAME, "button") == []
    assert is_available(server, thursday.isoformat(), "11:00")


def test_an_expired_link_shows_a_friendly_page_and_nothing_of_the_booking(server, driver, screenshot):
    # the coming Friday (not today): its token expires days before the other tests' bookings' do
    friday = next_weekday(4, weeks_ahead=0)
    if friday <= datetime.now(SYDNEY).date():
        friday = next_weekday(4)
    booking = book_by_api(server, friday.isoformat(), "09:00", "late.opener@example.com")
    link = emailed_link(server, "late.opener@example.com")
    ends = datetime.fromisoformat(booking["ends_at"])
    ran = server.post("/_local/jobs/expire_tokens", {"time": (ends + timedelta(hours=24, minutes=1)).isoformat()})
    assert ran.status == 200, ran.text

    driver.get(server.base + link)
    screenshot("1-expired")
    assert "This link does not work" in text_of(driver, "h1")
    assert "most recent email" in text_of(driver, "main")
    assert "Free Consultation" not in driver.page_source


def test_a_booker_books_on_the_public_page_and_lands_on_their_booking(server, driver, screenshot):
    driver.get(server.base + BOOKING_PAGE)
    screenshot("1-booking-page")
    days = driver.find_elements(By.CSS_SELECTOR, "nav.days a[data-date]")
    days[1].click()
    chosen = driver.find_elements(By.CSS_SELECTOR, "input[name=slot]")[2]
    value = chosen.get_attribute("value")
    chosen.click()
    driver.find_element(By.ID, "fullName").send_keys("Page Booker")
    driver.find_element(By.ID, "email").send_keys("page.booker@example.com")
    driver.find_element(By.ID, "phone").send_keys("0412 345 678")
    screenshot("2-details")
    driver.find_element(By.XPATH, "//button[normalize-space()='Confirm booking']").click()

    wait_for_text(driver, "You're booked!")
    screenshot("3-booked")
    assert "/book/harbour-physio/manage/" in driver.current_url
    assert text_of(driver, "[data-status]") == "Confirmed"
    day, time = value.split(" ")
    assert not is_available(server, day, time)
    assert emailed_link(server, "page.booker@example.com") == urlsplit(driver.current_url).path
