"""The booker-facing pages (issue 9, docs/booker-pages.md): server-rendered HTML, no API key.

    manage.py        GET/POST /book/{company_slug}/manage/{token}[/cancel|/reschedule]
                     the management link of every confirmation and reminder
    booking_page.py  GET/POST /book/{company_slug}/{event_type_slug}   (the {rebook_link})
    lookup.py        management token → booking (BookingByToken index, then a consistent read)
    throttle.py      failed token look-ups counted per source IP in DynamoDB (429 after 20 / 10 min)
    csrf.py          signed double-submit tokens for the form posts
    messages.py      domain errors → the sentences a booker reads
    html.py          Jinja2 environment (templates in scheduling/templates), security headers

Actions go through the same services as the JSON API (booking_create, booking_cancel,
booking_reschedule, availability_queries), so locks, side effects and notifications are the same.
Every function here takes `now` explicitly and raises scheduling.errors exceptions only.
"""
