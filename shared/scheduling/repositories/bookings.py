"""Bookings and the per-host day ledger that makes double booking impossible.

Each host has one ledger item per UTC day (`HOST_DAY#<uid>#<date>`) holding the buffered ranges of
its non-cancelled bookings and a `version`. A booking commits in one TransactWriteItems together
with a conditional update of every ledger item its buffered range touches, conditioned on the
version the caller read. Two overlapping bookings for a host always share at least one ledger item,
so whichever commits second fails its condition, whatever the timing: the caller then re-reads and
re-checks (see docs/bookings.md). Cancelling removes the range in the same transaction that flips
the status.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from scheduling.domain.models import Booking
from scheduling.errors import Conflict, ValidationFailed
from scheduling.repositories import keys
from scheduling.repositories.batch import Key as BatchKey
from scheduling.repositories.batch import batch_get
from scheduling.repositories.conditions import Attr, Key
from scheduling.repositories.items import from_item, plain, to_item
from scheduling.repositories.queries import query_one_more_than, query_within_budget
from scheduling.slots.ranges import TimeRange

# A filtered list reads at most this many index items per request (a few Queries of a hundred),
# whatever the filter matches: past it the page is shorter and its cursor continues the read
# (docs/bookings.md, "Listing"). Without it a filter matching nothing read the whole date range.
FILTERED_ITEMS_PER_QUERY = 100
FILTERED_READ_BUDGET = 300


@dataclass(frozen=True)
class HeldRange:
    """A slot hold's buffered range in a ledger day; it takes the time only before `expires_at`."""

    span: TimeRange
    expires_at: datetime

    def live(self, now: datetime) -> bool:
        return now < self.expires_at


@dataclass(frozen=True)
class LedgerDay:
    """One host's booked (buffered) ranges on one UTC day, with the version they were read at.

    `holds` are the slot holds written into the day (services/holds.py, docs/holds.md), expired
    ones included: readers keep only the live ones. `holds_rewritten` marks a day whose `holds`
    were trimmed by the writer (expired or consumed ones dropped): its write stores them as given.
    """

    user_id: str
    day: date
    version: int
    ranges: dict[str, TimeRange] = field(default_factory=dict)  # booking id → buffered range
    holds: dict[str, HeldRange] = field(default_factory=dict)  # hold id → buffered range, expiry
    holds_rewritten: bool = False

    def live_holds(self, now: datetime, *, ignore: Container[str | None] = ()) -> dict[str, TimeRange]:
        return {hold_id: held.span for hold_id, held in self.holds.items() if held.live(now) and hold_id not in ignore}

    def taken(self, now: datetime, *, ignore: Container[str | None] = ()) -> list[TimeRange]:
        """What this day's bookings and live holds occupy, leaving out the bookings or holds `ignore`."""
        return [*(r for i, r in self.ranges.items() if i not in ignore), *self.live_holds(now, ignore=ignore).values()]

    def pruned(self, now: datetime, *, consumed: str | None = None) -> LedgerDay:
        """This day for a write at `now`: expired holds (and the hold being consumed) dropped, so an
        expired range never outlives the next write of its day (DynamoDB TTL never reaches it)."""
        kept = {hold_id: held for hold_id, held in self.holds.items() if held.live(now) and hold_id != consumed}
        return self if len(kept) == len(self.holds) else replace(self, holds=kept, holds_rewritten=True)


@dataclass(frozen=True)
class BookingPage:
    bookings: list[Booking]
    next_cursor: str | None


class LedgerConflict(Exception):
    """A ledger item changed between read and write: someone else booked or cancelled meanwhile.

    `failed_indexes` are the positions (in the transaction's items) whose condition failed:
    0 is the booking, 1..len(ledger) the ledger days, then the extra items. Empty when unknown.
    """

    def __init__(self, message: str = "", failed_indexes: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.failed_indexes = tuple(failed_indexes)


def buffered_range(booking: Booking) -> TimeRange:
    return TimeRange.utc(booking.starts_at, booking.ends_at).widen(
        timedelta(minutes=booking.buffer_before_minutes), timedelta(minutes=booking.buffer_after_minutes)
    )


def utc_days(span: TimeRange) -> list[date]:
    first = span.start.astimezone(UTC).date()
    last = (span.end - timedelta(microseconds=1)).astimezone(UTC).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _ledger_day(user_id: str, item: dict[str, Any]) -> LedgerDay:
    day = date.fromisoformat(item["SK"].rsplit("#", 1)[1])
    ranges = {
        booking_id: TimeRange.utc(datetime.fromisoformat(r[0]), datetime.fromisoformat(r[1]))
        for booking_id, r in item.get("ranges", {}).items()
    }
    holds = {
        hold_id: HeldRange(TimeRange.utc(datetime.fromisoformat(h[0]), datetime.fromisoformat(h[1])),
                           datetime.fromisoformat(h[2]))
        for hold_id, h in item.get("holds", {}).items()
    }
    return LedgerDay(user_id, day, int(item["version"]), ranges, holds)


def held_value(held: HeldRange) -> list[str]:
    """A hold as its ledger day stores it: [start, end, expires_at]."""
    return [held.span.start.isoformat(), held.span.end.isoformat(), held.expires_at.isoformat()]


class BookingRepository:
    def __init__(self, table: Any) -> None:
        self._table = table
        # The resource's client converts plain Python values to DynamoDB types for us.
        self._client = table.meta.client

    # reads ----------------------------------------------------------------------------------
    def get(self, company_id: str, booking_id: str) -> Booking | None:
        key = {"PK": keys.company_pk(company_id), "SK": keys.booking_sk(booking_id)}
        item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return from_item(Booking, item) if item else None

    def list_page(
        self,
        company_id: str,
        *,
        starts_from: datetime | None,
        starts_before: datetime | None,
        status: str | None,
        event_type_id: str | None,
        limit: int,
        cursor: str | None,
        host_id: str | None = None,
        contact_id: str | None = None,
        customer_id: str | None = None,
        deal_id: str | None = None,
    ) -> BookingPage:
        """Bookings by start ascending; filters keep paging the tenant's own index partition until
        `limit` (a Query with a FilterExpression, never a Scan: see docs/agent-surface.md)."""
        low = keys.utc_iso(starts_from) if starts_from else "0000"
        high = keys.utc_iso(starts_before) if starts_before else "9999"
        condition = Key("BookingsByStartPK").eq(keys.company_pk(company_id)) & Key("BookingsByStartSK").between(
            low, high
        )
        kwargs: dict[str, Any] = {"IndexName": "BookingsByStart", "KeyConditionExpression": condition}
        filters = []
        if status:
            filters.append(Attr("status").eq(status))
        if event_type_id:
            filters.append(Attr("event_type_id").eq(event_type_id))
        if host_id:
            filters.append(Attr("host_user_ids").contains(host_id))
        for name, value in (("contact_id", contact_id), ("customer_id", customer_id), ("deal_id", deal_id)):
            if value:
                filters.append(Attr(name).eq(value))
        if filters:
            expression = filters[0]
            for extra in filters[1:]:
                expression = expression & extra
            kwargs["FilterExpression"] = expression
        if cursor:
            kwargs["ExclusiveStartKey"] = _decode_cursor(cursor, company_id)
        if filters:  # the read is bounded, not the matches: see query_within_budget
            found, stopped_at = query_within_budget(
                self._table, kwargs, limit, items_per_query=FILTERED_ITEMS_PER_QUERY, read_budget=FILTERED_READ_BUDGET)
        else:
            found, stopped_at = query_one_more_than(self._table, kwargs, limit), None
        bookings = [from_item(Booking, i) for i in found[:limit]]
        if len(found) > limit:
            next_cursor = _encode_cursor(found[limit - 1])
        else:
            next_cursor = _encode_cursor(stopped_at) if stopped_at else None
        return BookingPage(bookings, next_cursor)

    def read_ledger(self, company_id: str, user_id: str, days: list[date]) -> dict[date, LedgerDay]:
        """One Query per host for a span of days; missing days come back empty at version 0.

        For wide spans (weeks of slots): a Query costs by the bytes it returns, so the many days
        nobody booked cost nothing. For a few known days, `read_ledger_days` (keyed reads, all
        hosts in one call) is cheaper in round trips."""
        if not days:
            return {}
        condition = Key("PK").eq(keys.company_pk(company_id)) & Key("SK").between(
            keys.host_day_sk(user_id, min(days)), keys.host_day_sk(user_id, max(days))
        )
        ledger = {d: LedgerDay(user_id, d, 0) for d in days}
        kwargs: dict[str, Any] = {"KeyConditionExpression": condition, "ConsistentRead": True}
        while True:
            page = self._table.query(**kwargs)
            for item in page.get("Items", []):
                day = _ledger_day(user_id, item)
                ledger[day.day] = day
            if "LastEvaluatedKey" not in page:
                return ledger
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def read_ledger_days(
        self, company_id: str, days_by_host: Mapping[str, Iterable[date]], *, also: Iterable[BatchKey] = ()
    ) -> tuple[dict[str, dict[date, LedgerDay]], dict[BatchKey, dict[str, Any]]]:
        """The listed ledger days of every host (missing ones empty at version 0) and, in the same
        consistent BatchGetItem, the items at the keys `also` (those that exist, by (PK, SK)).

        One round trip for up to 100 keys in all (repositories/batch.py); the booking service
        reads a booking's ledger days and the CRM pointers of its booker together this way.
        """
        pk = keys.company_pk(company_id)
        wanted = {host: list(dict.fromkeys(days)) for host, days in days_by_host.items()}
        ledger_keys = [(pk, keys.host_day_sk(host, day)) for host, days in wanted.items() for day in days]
        extra = list(also)
        found = batch_get(self._table, [*ledger_keys, *extra]) if ledger_keys or extra else {}
        ledger: dict[str, dict[date, LedgerDay]] = {}
        for host, days in wanted.items():
            ledger[host] = {}
            for day in days:
                item = found.get((pk, keys.host_day_sk(host, day)))
                ledger[host][day] = _ledger_day(host, item) if item else LedgerDay(host, day, 0)
        return ledger, {key: found[key] for key in extra if key in found}

    # writes ---------------------------------------------------------------------------------
    def insert(
        self,
        booking: Booking,
        ledger: list[LedgerDay],
        extra_items: list[dict[str, Any]] = (),  # type: ignore[assignment]
        *,
        replacing: Booking | None = None,
    ) -> None:
        """Commit a booking and its ledger ranges atomically, or raise LedgerConflict.

        `ledger` must hold, for every host and every UTC day the buffered range touches, the
        LedgerDay the caller checked the booking against. `extra_items` are further
        TransactWriteItems entries (side-effect work, CRM records) that commit with it.

        `replacing`: a reschedule's old booking as it is to be written (cancelled), committed in
        the same transaction as `cancel` would: after the ledger days, the cancelled booking, then
        the release of its ranges. A ledger day both bookings touch is ONE update that adds the new
        range and removes the old (a transaction may not name an item twice), still guarded by
        the version read.
        """
        span = buffered_range(booking)
        value = [span.start.isoformat(), span.end.isoformat()]
        released = self._days_of(replacing) if replacing else {}
        writes = [{"Put": {"TableName": self._table.name, "Item": self.booking_item(booking),
                           "ConditionExpression": "attribute_not_exists(PK)"}}]
        for day in ledger:
            old_id = released.pop((day.user_id, day.day), None)
            writes.append(self._ledger_add(booking.company_id, day, booking.id, value, removing=old_id))
        if replacing is not None:
            writes.append(self._cancelled_put(replacing))
            writes.extend(self._ledger_release(replacing.company_id, user_id, day, replacing.id)
                          for user_id, day in released)
        writes.extend(extra_items)
        self._transact(writes)

    def cancel(
        self, booking: Booking, extra_items: list[dict[str, Any]] = ()  # type: ignore[assignment]
    ) -> None:
        """Write the cancelled booking (condition: it was still confirmed) and free its ranges."""
        writes = [self._cancelled_put(booking)]
        writes.extend(self._ledger_release(booking.company_id, user_id, day, booking.id)
                      for user_id, day in self._days_of(booking))
        writes.extend(extra_items)
        self._transact(writes)

    def _cancelled_put(self, booking: Booking) -> dict[str, Any]:
        return {"Put": {"TableName": self._table.name, "Item": self.booking_item(booking),
                        "ConditionExpression": "#status = :confirmed",
                        "ExpressionAttributeNames": {"#status": "status"},
                        "ExpressionAttributeValues": {":confirmed": "confirmed"}}}

    @staticmethod
    def _days_of(booking: Booking) -> dict[tuple[str, date], str]:
        """(host, UTC day) of every ledger item holding `booking`'s range → its id."""
        days = utc_days(buffered_range(booking))
        return {(user_id, day): booking.id for user_id in dict.fromkeys(booking.host_user_ids) for day in days}

    def _ledger_release(self, company_id: str, user_id: str, day: date, booking_id: str) -> dict[str, Any]:
        return {"Update": {
            "TableName": self._table.name,
            "Key": {"PK": keys.company_pk(company_id), "SK": keys.host_day_sk(user_id, day)},
            "UpdateExpression": "REMOVE ranges.#booking SET version = version + :one",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeNames": {"#booking": booking_id},
            "ExpressionAttributeValues": {":one": 1},
        }}

    def save(self, booking: Booking) -> None:
        """Write the whole booking item as given (the seed loader); request paths change a booking
        with targeted, conditional updates so they cannot undo someone else's write."""
        self._table.put_item(Item=self.booking_item(booking))

    # item shapes ----------------------------------------------------------------------------------
    def booking_item(self, booking: Booking) -> dict[str, Any]:
        item = to_item(booking, PK=keys.company_pk(booking.company_id), SK=keys.booking_sk(booking.id))
        item.update(keys.bookings_by_start(booking.company_id, booking.starts_at, booking.id))
        if booking.booker_phone:
            item.update(keys.bookings_by_phone(booking.company_id, booking.booker_phone, booking.starts_at, booking.id))
        if booking.management_token:
            item.update(keys.booking_by_token(booking.management_token))
        return item

    def _ledger_add(self, company_id: str, day: LedgerDay, booking_id: str, value: list[str], *,
                    removing: str | None = None) -> dict[str, Any]:
        """The version-guarded write adding `booking_id`'s range to `day` (and removing the range
        of `removing`, the booking a reschedule replaces, when it is on the same item)."""
        key = {"PK": keys.company_pk(company_id), "SK": keys.host_day_sk(day.user_id, day.day)}
        if day.version == 0:  # never written, so it holds no range to remove: the Put's condition fails if it now does
            item = {**key, "version": 1, "ranges": {booking_id: value}}
            return {"Put": {"TableName": self._table.name, "Item": item,
                            "ConditionExpression": "attribute_not_exists(PK)"}}
        update: dict[str, Any] = {
            "TableName": self._table.name,
            "Key": key,
            "UpdateExpression": "SET ranges.#booking = :range, version = :next",
            "ConditionExpression": "version = :read",
            "ExpressionAttributeNames": {"#booking": booking_id},
            "ExpressionAttributeValues": {":range": value, ":next": day.version + 1, ":read": day.version},
        }
        if day.holds_rewritten:  # the version guard makes replacing the whole map safe
            update["UpdateExpression"] += ", holds = :holds"
            update["ExpressionAttributeValues"][":holds"] = {h: held_value(v) for h, v in day.holds.items()}
        if removing is not None:
            update["UpdateExpression"] += " REMOVE ranges.#replaced"
            update["ExpressionAttributeNames"]["#replaced"] = removing
        return {"Update": update}

    def _transact(self, writes: list[dict[str, Any]]) -> None:
        transact(self._client, writes)


MAX_TRANSACTION_ITEMS = 100  # DynamoDB's limit (DynamoDB Local enforces it; moto did not)


def transact(client: Any, writes: list[dict[str, Any]]) -> None:
    """One TransactWriteItems; a failed condition raises LedgerConflict naming the failed items.

    More than 100 items is refused before sending (DynamoDB would answer ValidationException, a
    500 here): a collective booking writes one ledger item per host and UTC day, so an event type
    with dozens of hosts can outgrow one transaction (docs/bookings.md, "Transaction size")."""
    if len(writes) > MAX_TRANSACTION_ITEMS:
        raise Conflict(
            f"This booking change needs {len(writes)} writes in one transaction; DynamoDB allows "
            f"{MAX_TRANSACTION_ITEMS}. The event type has too many hosts for one collective booking.",
            code="TOO_MANY_HOSTS",
            fix="Use fewer hosts on this collective event type (about 20 always fit), or round robin.",
            details={"writes": len(writes), "limit": MAX_TRANSACTION_ITEMS})
    try:
        client.transact_write_items(TransactItems=writes)
    except client.exceptions.TransactionCanceledException as error:
        reasons = error.response.get("CancellationReasons") or []
        failed = tuple(i for i, r in enumerate(reasons) if r.get("Code") not in (None, "None"))
        raise LedgerConflict(str(error), failed) from error


def _encode_cursor(item: dict[str, Any]) -> str:
    position = {k: item[k] for k in ("PK", "SK", "BookingsByStartPK", "BookingsByStartSK")}
    return base64.urlsafe_b64encode(json.dumps(plain(position)).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, company_id: str) -> dict[str, Any]:
    invalid = ValidationFailed("after", "a next_cursor value returned by a previous page")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise invalid from None
    expected = {"PK", "SK", "BookingsByStartPK", "BookingsByStartSK"}
    if not isinstance(position, dict) or set(position) != expected or not all(
        isinstance(v, str) for v in position.values()
    ):
        raise invalid
    # A cursor can only walk the company it was issued for.
    if position["BookingsByStartPK"] != keys.company_pk(company_id) or position["PK"] != keys.company_pk(company_id):
        raise invalid
    return position
