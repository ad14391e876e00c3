"""The storefront's one stylesheet is built from omnishop.css (bench/storefront_css.sh) and small."""

import posixpath
import re
from pathlib import Path

from django.contrib.staticfiles import finders

STATIC = Path(__file__).resolve().parents[2] / "static" / "omnishop"


def test_the_built_stylesheet_carries_the_current_omnishop_css():
    built = (STATIC / "vendor" / "storefront.css").read_text()
    assert built.endswith((STATIC / "omnishop.css").read_text()), "run bench/storefront_css.sh"


def test_the_storefront_stylesheet_is_a_third_of_oscars_at_most():
    assert (STATIC / "vendor" / "storefront.css").stat().st_size < 283_000 // 3


def test_every_file_the_stylesheet_points_at_is_a_static_file():
    """Production's collectstatic (whitenoise's manifest storage) refuses to run otherwise."""
    built = (STATIC / "vendor" / "storefront.css").read_text()
    for url in re.findall(r'url\("?([^")]+)"?\)', built):
        if url.startswith("data:"):
            continue
        target = posixpath.normpath(posixpath.join("omnishop/vendor", url))
        assert finders.find(target), f"{url} ({target}) is not a static file"
