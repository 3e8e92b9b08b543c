"""GET /book/{company_slug}/manage/{token} and its two form posts, …/cancel and …/reschedule.

Every request first checks the source IP's failed-look-up count (429 page past the limit); a link
that opens no booking counts one failure and answers the same 404 page whatever the reason.
After an action the browser is sent (303) to the booking's page: the same token after a cancel,
the new booking's token after a reschedule (the old one no longer works).
"""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from scheduling.api.pages_app import check_form_token, client_ip, form, form_token, page, query, redirect
from scheduling.errors import DomainError
from scheduling.pages import throttle
from scheduling.pages.lookup import LinkNotFound, find_managed_booking
from scheduling.pages.manage import cancel_from_page, manage_page, reschedule_from_page
from scheduling.pages.messages import Notice, notice_for
from scheduling.pages.picker import split_slot

router = Router()

FLASHES = {
    "booked": "You're booked! We've emailed you the details.",
    "rescheduled": "Your booking has been moved to the new time. We've emailed you the details.",
    "cancelled": "Your booking has been cancelled.",
}


def _scope(company_slug: str, token: str) -> str:
    return f"manage:{company_slug}:{token}"


def _guarded(ip: str, now: datetime) -> None:
    throttle.check_not_blocked(ip, now)


def _counting_failures(ip: str, now: datetime, error: DomainError) -> DomainError:
    if isinstance(error, LinkNotFound):
        throttle.record_failure(ip, now)
    return error


def _render(company_slug: str, token: str, now: datetime, *, status: int = 200, notice: Notice | None = None,
            flash: str | None = None, reason: str = "", day: str | None = None) -> Response:
    view = manage_page(company_slug, token, now, day=day or query(router, "date"), start=query(router, "from"))
    return page(router, "manage.html", status=status, token=form_token(router, _scope(company_slug, token), now),
                view=view, notice=notice, flash=flash, reason=reason)


@router.get("/book/<company_slug>/manage/<token>")
def manage_booking_page(company_slug: str, token: str) -> Response:
    now, ip = datetime.now(UTC), client_ip(router)
    _guarded(ip, now)
    try:
        return _render(company_slug, token, now, flash=next((t for k, t in FLASHES.items() if query(router, k)), None))
    except LinkNotFound as error:
        raise _counting_failures(ip, now, error) from None


def _act(company_slug: str, token: str, action: str) -> Response:
    now, ip = datetime.now(UTC), client_ip(router)
    _guarded(ip, now)
    try:
        find_managed_booking(company_slug, token, now)  # before the form: a guess counts whatever it posts
    except LinkNotFound as error:
        raise _counting_failures(ip, now, error) from None
    fields = split_slot(form(router))
    check_form_token(router, fields, _scope(company_slug, token), now)
    try:
        if action == "cancel":
            cancel_from_page(company_slug, token, fields.get("reason"), now)
            return redirect(f"../{token}?cancelled=1")
        moved = reschedule_from_page(company_slug, token, fields.get("date"), fields.get("time"), now)
        return redirect(f"../{moved.booking.management_token}?rescheduled=1")
    except DomainError as error:
        if isinstance(error, LinkNotFound) or error.status >= 500:
            raise
        return _render(company_slug, token, now, status=error.status, notice=notice_for(error),
                       reason=(fields.get("reason") or "")[:1000], day=fields.get("date") or None)


@router.post("/book/<company_slug>/manage/<token>/cancel")
def cancel_booking_page(company_slug: str, token: str) -> Response:
    return _act(company_slug, token, "cancel")


@router.post("/book/<company_slug>/manage/<token>/reschedule")
def reschedule_booking_page(company_slug: str, token: str) -> Response:
    return _act(company_slug, token, "reschedule")
