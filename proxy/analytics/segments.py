"""How many SMS segments a text costs: GSM-7 when every character is in the GSM 03.38 alphabet
(extension characters take two septets), else UCS-2 (UTF-16 code units).

A single segment holds 160 septets or 70 UCS-2 units; a concatenated message loses room to the
user data header, so each part holds 153 septets or 67 units. Parts never split an escape pair
or a surrogate pair, so the count is computed by filling parts, not by dividing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from proxy.sms import GSM7_BASIC, GSM7_EXTENSION

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SegmentCount:
    encoding: Literal["GSM-7", "UCS-2"]
    segments: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def count(text: str) -> SegmentCount:
    """Segments for one text (an empty text still costs one segment)."""
    if is_gsm7(text):
        sizes = [2 if c in GSM7_EXTENSION else 1 for c in text]
        return SegmentCount("GSM-7", _fill(sizes, GSM7_SINGLE, GSM7_PART), sum(sizes))
    sizes = [2 if ord(c) > 0xFFFF else 1 for c in text]
    return SegmentCount("UCS-2", _fill(sizes, UCS2_SINGLE, UCS2_PART), sum(sizes))


def _fill(sizes: list[int], single: int, part: int) -> int:
    """Parts needed when each indivisible character of ``size`` units fills them in order."""
    total = sum(sizes)
    if total <= single:
        return 1
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:
            parts += 1
            used = 0
        used += size
    return parts
