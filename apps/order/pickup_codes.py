"""Pickup codes: short, unambiguous, not guessable, and drawn as a QR code.

8 characters from a 31-letter alphabet without 0/O, 1/I/L: 31**8 = 852,891,037,441 possible
codes, drawn with ``secrets``; nothing in a code comes from the order number.
"""

import secrets

import segno

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str:
    """What staff type or scan, made comparable (case, spaces, dashes)."""
    return "".join(typed.split()).replace("-", "").upper()


def display(code: str) -> str:
    """ABCD-EFGH: easier to read out at the counter."""
    return f"{code[:4]}-{code[4:]}" if code and len(code) == LENGTH else code


#: Pixels per QR module: a full QR code of a pickup code (21 modules and a border of 2) is then
#: 250 px wide, which a counter scanner reads from a phone's screen.
QR_SCALE = 10


def qr_svg(code: str) -> str:
    """An inline SVG QR code of the pickup code (rendered locally by segno). Always a full QR
    code: for a code this short segno would pick a Micro QR, which phone cameras skip."""
    return segno.make(code, error="m", micro=False).svg_inline(
        scale=QR_SCALE, dark="#111", border=2, title=f"QR code of pickup code {display(code)}"
    )


def qr_png_data_uri(code: str) -> str:
    """The QR code as a PNG data URI, for e-mail clients that do not show inline SVG."""
    return segno.make(code, error="m", micro=False).png_data_uri(scale=5, border=2)
