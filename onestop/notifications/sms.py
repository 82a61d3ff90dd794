"""Counting SMS segments (3GPP TS 23.038 and 23.040).

A message that fits the GSM 7-bit default alphabet is sent in septets: 160 in one SMS, 153 per
segment once it is split, because the concatenation header (UDH) takes 7 of them. A character of
the extension table costs 2 septets (an escape and the character) and is never split across two
segments. Any other character turns the whole message into UCS-2: 70 UTF-16 code units in one
SMS, 67 per segment; a character outside the Basic Multilingual Plane (most emoji) is a
surrogate pair of 2 units, which is never split either.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class Encoding:
    name: str
    single: int
    per_segment: int


GSM7 = Encoding("GSM-7", single=160, per_segment=153)
UCS2 = Encoding("UCS-2", single=70, per_segment=67)


@dataclass(frozen=True)
class SmsCount:
    encoding: str
    units: int
    segments: int


def sms_encoding(text: str) -> Encoding:
    return GSM7 if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else UCS2


def character_units(character: str, encoding: Encoding) -> int:
    if encoding is GSM7:
        return 2 if character in GSM7_EXTENSION else 1
    return 2 if ord(character) > 0xFFFF else 1


def sms_count(text: str) -> SmsCount:
    """Segments as a handset or gateway splits them: greedily, never splitting a character."""
    encoding = sms_encoding(text)
    sizes = [character_units(character, encoding) for character in text]
    units = sum(sizes)
    if units <= encoding.single:
        return SmsCount(encoding.name, units, 1 if units else 0)
    segments, used = 1, 0
    for size in sizes:
        if used + size > encoding.per_segment:
            segments, used = segments + 1, 0
        used += size
    return SmsCount(encoding.name, units, segments)
