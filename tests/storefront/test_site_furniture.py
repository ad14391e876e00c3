"""The small things a phone asks of a shop: an icon at /favicon.ico, a web app manifest, pages
whose ids are unique (labels and scripts find the right input), no Python values on show."""

import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.factories import UserFactory


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter = Counter()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids[attrs["id"]] += 1
        if tag == "link":
            self.links.append(attrs)


def parse(response) -> Ids:
    parser = Ids()
    parser.feed(response.content.decode())
    return parser


def test_favicon_ico_is_an_image(db, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_link_the_icon_and_a_web_app_manifest(shop, client):
    links = {link["rel"]: link["href"] for link in parse(client.get("/")).links}
    assert links["icon"].startswith("/static/") and "apple-touch-icon" in links
    manifest_path = finders.find(links["manifest"].removeprefix("/static/"))
    manifest = json.loads(Path(manifest_path).read_text())
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert finders.find(icon["src"]), icon["src"]


@pytest.mark.parametrize(
    "url", ["/", "/stores/", "/stores/?q=Leeds", "/search/?q=lamp", "/basket/"]
)
def test_no_id_is_used_twice_on_a_page(shop, client, url):
    response = client.get(url)
    assert response.status_code == 200
    ids = parse(response).ids
    assert [name for name, n in ids.items() if n > 1] == []


def test_no_id_is_used_twice_on_product_and_account_pages(shop, client):
    client.force_login(UserFactory())
    for url in [shop["lamp"].get_absolute_url(), "/accounts/profile/"]:
        ids = parse(client.get(url)).ids
        assert [name for name, n in ids.items() if n > 1] == [], url


def test_the_profile_says_yes_or_no_not_true(db, client):
    client.force_login(UserFactory())
    body = client.get("/accounts/profile/").content.decode()
    assert "Text me about my click-and-collect orders" in body
    cells = [cell.strip() for cell in body.replace("</td>", "<td>").split("<td>")]
    assert "True" not in cells and "False" not in cells
    assert "Yes" in cells
