"""What is known of agencies before the desk says more: the time zone in which each gives times that
name no zone (IPTC 7901's date-time group, NITF ``norm`` values without an offset, ...).

A Source created by an import (``--source CODE`` or the agency a file names) takes its zone from
here; the desk can change it (Sources in the admin), and a Source not listed here starts at UTC.
docs/wire-formats.md lists the same table with each agency's conventions."""

from __future__ import annotations

# Keyed by the code the agency's copy carries (case-insensitive). Agencies sending UTC (AFP, Reuters,
# AP's ANPA trailers say GMT) need no entry.
TIME_ZONES: dict[str, str] = {
    "dpa": "Europe/Berlin",
    "apa": "Europe/Vienna",
    "sda": "Europe/Zurich",
    "ntb": "Europe/Oslo",
    "tt": "Europe/Stockholm",
    "ritzau": "Europe/Copenhagen",
    "stt": "Europe/Helsinki",
    "anp": "Europe/Amsterdam",
    "belga": "Europe/Brussels",
    "ansa": "Europe/Rome",
    "efe": "Europe/Madrid",
    "lusa": "Europe/Lisbon",
    "pa": "Europe/London",
    "ctk": "Europe/Prague",
    "pap": "Europe/Warsaw",
    "mti": "Europe/Budapest",
    "aa": "Europe/Istanbul",
    "tass": "Europe/Moscow",
    "aap": "Australia/Sydney",
    "kyodo": "Asia/Tokyo",
    "jiji": "Asia/Tokyo",
    "yonhap": "Asia/Seoul",
    "xinhua": "Asia/Shanghai",
    "pti": "Asia/Kolkata",
    "k24": "Asia/Baghdad",
    "rudaw": "Asia/Baghdad",
    "ina": "Asia/Baghdad",
    "irna": "Asia/Tehran",
}


def time_zone_for(code: str) -> str:
    """The IANA zone an agency's zone-less times are in, by its code (``dpa``, ``dpa-tns``); UTC when
    unknown."""
    code = (code or "").strip().casefold()
    return TIME_ZONES.get(code) or TIME_ZONES.get(code.split("-", 1)[0]) or "UTC"
