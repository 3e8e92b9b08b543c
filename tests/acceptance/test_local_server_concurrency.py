"""The local server serves concurrent requests without mixing them up (each gets its own answer)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.support.seeds import RO_KEY, booking_id


def test_forty_concurrent_requests_each_get_their_own_answer(api):
    def fetch(n: int) -> tuple[int, int, str]:
        wanted = booking_id(n % 6) if n % 2 else f"00000000-0000-4000-8000-{n:012d}"
        result = api.get(f"/v1/scheduling-bookings/{wanted}", key=RO_KEY)
        body = result.json
        return n, result.status, body["data"]["id"] if result.status == 200 else body["error"]["message"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(fetch, range(40)))
    for n, status, answer in results:
        if n % 2:
            assert (status, answer) == (200, booking_id(n % 6))
        else:
            assert status == 404 and f"{n:012d}" in answer
