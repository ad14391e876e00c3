"""Pickup codes as the shopper shows them at the counter."""

import segno

from apps.order.pickup_codes import qr_svg


def test_the_qr_code_is_a_full_qr_code_a_scanner_reads_from_a_phone():
    # segno alone would make a Micro QR code of so short a text; phone cameras skip those.
    assert segno.make("KG8RX264", error="m").is_micro
    svg = qr_svg("KG8RX264")
    assert svg.startswith('<svg width="250" height="250"')  # 21 modules + border, 10 px each
    assert "<title>QR code of pickup code KG8R-X264</title>" in svg
