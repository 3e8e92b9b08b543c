"""Phone numbers to E.164 (contract §5): `+61 412 345 678`, `0412 345 678` (AU) → `+61412345678`.

A number already in international form (`+…` or `00…`) keeps its country; anything else is read in
the company's `settings.default_country`. Only the countries below have local rules; others need
the international form. This is deliberately small: callers' numbers come from Retell in E.164,
and people type local mobiles or landlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scheduling.errors import ValidationFailed


@dataclass(frozen=True)
class CountryPlan:
    calling_code: str
    trunk_prefix: str  # dropped from national numbers ("0" in AU: 0412… → +61412…)
    national_lengths: tuple[int, ...]  # digits after the trunk prefix


COUNTRY_PLANS: dict[str, CountryPlan] = {
    "AU": CountryPlan("61", "0", (9,)),
    "NZ": CountryPlan("64", "0", (8, 9, 10)),
    "GB": CountryPlan("44", "0", (9, 10)),
    "IE": CountryPlan("353", "0", (7, 8, 9)),
    "US": CountryPlan("1", "", (10,)),
    "CA": CountryPlan("1", "", (10,)),
    "SG": CountryPlan("65", "", (8,)),
}
COUNTRY_ALIASES = {"UK": "GB"}

_SEPARATORS = re.compile(r"[\s().\-/]")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def normalise_phone(raw: str, default_country: str = "AU") -> str:
    """E.164 for `raw` read in `default_country`; `ValidationFailed` on anything else."""
    invalid = ValidationFailed(
        "phone",
        "a phone number in international form (+61412345678) or the company's local form (0412 345 678)",
        message=f"'{raw}' is not a phone number we can read.",
    )
    if not isinstance(raw, str):
        raise invalid
    compact = _SEPARATORS.sub("", raw.strip())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+"):
        # "+61 (0)412…" is common in AU signatures: drop a trunk 0 right after the country code.
        for plan in COUNTRY_PLANS.values():
            prefix = "+" + plan.calling_code + plan.trunk_prefix
            if plan.trunk_prefix and compact.startswith(prefix) and _national_ok(plan, compact[len(prefix):]):
                compact = "+" + plan.calling_code + compact[len(prefix):]
                break
        if _E164.fullmatch(compact):
            return compact
        raise invalid
    if not compact.isdigit():
        raise invalid
    country = COUNTRY_ALIASES.get(default_country.upper(), default_country.upper())
    plan = COUNTRY_PLANS.get(country)
    if plan is None:
        raise invalid
    national = compact
    if plan.trunk_prefix and national.startswith(plan.trunk_prefix):
        national = national[len(plan.trunk_prefix):]
    elif national.startswith(plan.calling_code) and _national_ok(plan, national[len(plan.calling_code):]):
        national = national[len(plan.calling_code):]  # "61412345678" typed without the +
    if not _national_ok(plan, national):
        raise invalid
    return "+" + plan.calling_code + national


def _national_ok(plan: CountryPlan, national: str) -> bool:
    return national.isdigit() and len(national) in plan.national_lengths and not national.startswith("0")


def try_normalise_phone(raw: str | None, default_country: str = "AU") -> str | None:
    """Like `normalise_phone`, but None for a missing or unreadable number (call metadata)."""
    if not raw:
        return None
    try:
        return normalise_phone(raw, default_country)
    except ValidationFailed:
        return None
