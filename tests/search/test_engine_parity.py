"""Whoosh and PostgreSQL find the same products for the demo shop's searches: the same set,
the same first result and the same first three (product names, category words and words of
the descriptions, singular and plural)."""

from oscar.apps.search.facets import base_sqs

from tests.search.conftest import index_all

#: What a shopper types into the demo shop: product names, a category, adjectives of the
#: titles, and words only the descriptions have.
DEMO_QUERIES = [
    "lamp",
    "lamps",
    "desk lamp",
    "kettle",
    "garden hose",
    "bluetooth speaker",
    "yoga mat",
    "chef's knife",
    "usb-c charger",
    "towels",
    "blanket",
    "kitchen",
    "classic",
    "nordic",
    "click and collect",
    "fair price",
]


def found(alias: str, words: str) -> list[str]:
    return [r.pk for r in base_sqs().using(alias).auto_query(words)[:200]]


def test_both_engines_find_the_same_products_first_for_the_demo_queries(
    both_engines, demo_catalogue
):
    index_all(both_engines["whoosh"])
    index_all(both_engines["postgres"])
    differ = {}
    for words in DEMO_QUERIES:  # one catalogue for all: indexing it twice takes seconds
        whoosh, postgres = found("whoosh", words), found("postgres", words)
        assert whoosh, f"the demo has products for {words!r}"
        if (set(postgres), postgres[:1], set(postgres[:3])) != (
            set(whoosh),
            whoosh[:1],
            set(whoosh[:3]),
        ):
            differ[words] = {"whoosh": whoosh[:5], "postgres": postgres[:5]}
    assert differ == {}
