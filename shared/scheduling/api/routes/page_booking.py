"""GET /book/{company_slug}/{event_type_slug} (the `{rebook_link}`) and its form post.

GET shows the event type, a day-and-time picker (?date=, ?from=, ?tz=) and the booker's details
form. POST books through the JSON create's service: on success the browser is sent (303) to the
new booking's management page; on an error the form comes back with what was typed and a
message (the status is the JSON create's: 400, 404, 409…).
"""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.pages_app import check_form_token, form, form_token, page, query, redirect
from scheduling.errors import DomainError
from scheduling.pages.booking_page import book_from_page, booking_page
from scheduling.pages.messages import notice_for
from scheduling.pages.picker import split_slot

router = Router()

KEPT_FIELDS = ("fullName", "email", "phone", "message")


def _scope(company_slug: str, event_type_slug: str) -> str:
    return f"book:{company_slug}:{event_type_slug}"


@router.get("/book/<company_slug>/<event_type_slug>")
def public_booking_page(company_slug: str, event_type_slug: str) -> Response:
    now = datetime.now(UTC)
    view = booking_page(company_slug, event_type_slug, now, tz=query(router, "tz"), day=query(router, "date"),
                        start=query(router, "from"))
    return page(router, "book.html", token=form_token(router, _scope(company_slug, event_type_slug), now),
                view=view, notice=None, flash=None, values={}, chosen_time=None)


@router.post("/book/<company_slug>/<event_type_slug>")
def public_booking_submit(company_slug: str, event_type_slug: str) -> Response:
    now = datetime.now(UTC)
    fields = split_slot(form(router))
    check_form_token(router, fields, _scope(company_slug, event_type_slug), now)
    try:
        created = book_from_page(company_slug, event_type_slug, fields, now)
    except DomainError as error:
        if error.status >= 500 or error.code == "NOT_FOUND":
            raise
        view = booking_page(company_slug, event_type_slug, now, tz=fields.get("timezone"),
                            day=fields.get("date") or None)
        values = {name: (fields.get(name) or "")[:500] for name in KEPT_FIELDS}
        return page(router, "book.html", status=error.status,
                    token=form_token(router, _scope(company_slug, event_type_slug), now),
                    view=view, notice=notice_for(error), flash=None, values=values, chosen_time=fields.get("slot"))
    return redirect(f"manage/{created.booking.management_token}?booked=1")
