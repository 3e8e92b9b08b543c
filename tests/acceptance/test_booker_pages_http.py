"""The booker pages over HTTP on the local server (`make run`), as a link from an email opens them."""

from __future__ import annotations

import re
import uuid
from html import unescape
from urllib.parse import urlencode, urlsplit

from tests.support.seeds import RW_KEY

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_the_local_server_serves_the_booking_page_as_html_at_the_root(api):
    page = api.get("/book/harbour-physio/free-consultation")
    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Free Consultation" in page.text and 'name="slot"' in page.text


def test_a_link_that_opens_no_booking_is_a_friendly_html_404_while_unknown_v1_paths_stay_json(api):
    page = api.get(f"/book/harbour-physio/manage/{uuid.uuid4()}")
    assert page.status == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "This link does not work" in page.text
    unknown = api.get("/v1/no-such-endpoint")
    assert unknown.status == 404 and unknown.json["error"]["code"] == "ROUTE_NOT_FOUND"


def test_booking_on_the_page_then_managing_it_from_the_confirmation_email_link(api):
    # Given the booking page and its form cookie
    page = api.get("/book/harbour-physio/free-consultation")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    token = unescape(re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1))
    slot = unescape(re.findall(r'name="slot" value="([^"]+)"', page.text)[1])
    # When the booker confirms (urllib follows the 303 to the management page)
    form = {"csrf_token": token, "slot": slot, "timezone": "Australia/Sydney", "fullName": "Http Booker",
            "email": "http.booker@example.com"}
    landed = api.request("POST", "/book/harbour-physio/free-consultation", raw=urlencode(form).encode(),
                         headers={**FORM, "Cookie": cookie})
    assert landed.status == 200 and "You&#39;re booked!" in landed.text
    # Then the confirmation email's link opens that same page, and the JSON API sees the booking
    email = next(e for e in api.get("/_local/outbox").json["emails"]
                 if e["to"] == ["http.booker@example.com"] and e["kind"] == "confirmation")
    link = re.search(r"https?://\S+/book/harbour-physio/manage/[0-9a-f-]{36}", email["body"]).group(0)
    opened = api.get(urlsplit(link).path)
    assert opened.status == 200 and "Free Consultation" in opened.text
    assert 'data-status="confirmed"' in opened.text
    listed = api.get("/v1/scheduling-bookings?limit=100", key=RW_KEY).json["data"]
    assert any(b["booker_email"] == "http.booker@example.com" for b in listed)
