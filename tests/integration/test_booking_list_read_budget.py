"""A filtered booking list over many bookings the filter does not match (issue 15).

The filter is applied after the read (a FilterExpression on BookingsByStart), so without a bound
one request for a rarely matching filter read every booking in its date range. Each request now
reads a bounded number of index items; a client following `next_cursor` still sees every match,
once, in start order, and the walk ends (docs/bookings.md, "Listing").
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from scheduling import wiring
from scheduling.domain.models import Booking
from scheduling.repositories.bookings import FILTERED_ITEMS_PER_QUERY, FILTERED_READ_BUDGET
from tests.integration.test_booking_reads import dynamodb_calls
from tests.reliability.http import api_event, invoke
from tests.support.seeds import COMPANY_ID, CONSULT_ID, JANE_ID, RO_KEY

STORED = 3 * FILTERED_READ_BUDGET  # bookings in the range; only a few are no-shows
NO_SHOWS_AT = (5, FILTERED_READ_BUDGET + 10, FILTERED_READ_BUDGET + 11, STORED - 1)
FIRST = datetime(2031, 3, 3, 0, 0, tzinfo=UTC)


def _store_bookings() -> list[str]:
    """STORED bookings in 2031, 30 minutes apart, written as the repository writes them (a batch
    write, for speed: the list reads booking items only); returns the no-shows' ids in start order."""
    repository, now = wiring.bookings(), datetime.now(UTC)
    no_shows = []
    with wiring.table().batch_writer() as writer:
        for n in range(STORED):
            starts = FIRST + timedelta(minutes=30 * n)
            booking = Booking(
                id=str(uuid.uuid4()), company_id=COMPANY_ID, event_type_id=CONSULT_ID,
                event_type_name="Free Consultation", host_user_ids=[JANE_ID], starts_at=starts,
                ends_at=starts + timedelta(minutes=30), timezone="Australia/Sydney", booker_name=f"Booker {n}",
                booker_email=f"b{n}@example.com", status="no_show" if n in NO_SHOWS_AT else "confirmed",
                created_at=now, updated_at=now)
            writer.put_item(Item=repository.booking_item(booking))
            if n in NO_SHOWS_AT:
                no_shows.append(booking.id)
    return no_shows


def _list(query: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    event = api_event("GET", "/v1/scheduling-bookings", "/v1/scheduling-bookings", key=RO_KEY)
    event["queryStringParameters"] = query
    event["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()}
    with dynamodb_calls() as calls:
        response = invoke("list_bookings", event)
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"]), [operation for operation, _ in calls]


def test_a_rarely_matching_filter_pages_through_every_match_once_with_bounded_reads(workspace) -> None:
    no_shows = _store_bookings()
    query = {"status": "no_show", "date_from": "2031-03-01", "date_to": "2031-12-31", "limit": "2"}
    seen: list[str] = []
    pages = []
    cursor = None
    for _ in range(STORED):  # a walk that never ends fails here, not by hanging
        body, operations = _list({**query, **({"after": cursor} if cursor else {})})
        pages.append((len(body["data"]), body["pagination"]["has_more"]))
        assert all(b["status"] == "no_show" for b in body["data"])
        assert len(body["data"]) <= 2 and body["pagination"]["limit"] == 2
        # the read of one request is bounded whatever the filter matches
        assert operations.count("Query") <= math.ceil(FILTERED_READ_BUDGET / FILTERED_ITEMS_PER_QUERY), operations
        seen += [b["id"] for b in body["data"]]
        cursor = body["pagination"]["next_cursor"]
        if not body["pagination"]["has_more"]:
            assert cursor is None
            break
    else:
        raise AssertionError(f"the pages never ended: {pages}")
    assert seen == no_shows  # every match, once, in start order
    # a page may be short (even empty) while there is more: the client follows has_more, not the count
    assert any(count < 2 and more for count, more in pages), pages
    assert len(pages) <= math.ceil(STORED / FILTERED_READ_BUDGET) + len(no_shows)


def test_a_filter_that_matches_often_still_fills_its_page_in_one_read(workspace) -> None:
    _store_bookings()
    body, operations = _list({"status": "confirmed", "date_from": "2031-03-01", "date_to": "2031-12-31",
                              "limit": "10"})
    assert len(body["data"]) == 10 and body["pagination"]["has_more"]
    assert operations.count("Query") == 1, operations
    following, _ = _list({"status": "confirmed", "date_from": "2031-03-01", "date_to": "2031-12-31", "limit": "10",
                          "after": body["pagination"]["next_cursor"]})
    assert following["data"][0]["starts_at"] > body["data"][-1]["starts_at"]
