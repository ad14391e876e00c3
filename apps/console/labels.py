"""Bag labels: a Code 128 barcode of the order number (python-barcode, drawn as inline SVG).

The label carries the order number, never the pickup code: the code is the shopper's proof at
the counter, and a bag on a shelf is seen by anyone walking past. Scanning a bag's barcode into
the console's search finds its order.
"""

import io

from barcode import Code128
from barcode.writer import SVGWriter

#: Most bags one order's labels print for.
MAX_BAGS = 20


def barcode_svg(text: str) -> str:
    """An inline <svg> Code 128 barcode of ``text`` (no human-readable line: the label prints
    the number in large type itself)."""
    out = io.BytesIO()
    Code128(text, writer=SVGWriter()).write(
        out, options={"module_width": 0.5, "module_height": 15.0, "write_text": False}
    )
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def bag_count(value, *, most: int = MAX_BAGS) -> int:
    """The number of bags asked for: 1 to ``most``; anything else is 1."""
    text = str(value or "").strip()
    return min(max(int(text), 1), most) if text.isdigit() and len(text) <= 6 else 1
