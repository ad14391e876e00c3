from django import template
from django.db.models import prefetch_related_objects
from django.template.loader import select_template
from django.utils.safestring import mark_safe

from apps.inventory.selectors import CARD_EXTRAS
from apps.order import pickup_codes
from apps.order.selectors import pickup_progress as progress
from apps.storefront import fragments, menu, selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def product_availability(context, product):
    """Availability of a product at the shopper's store, nearby stores and for delivery (looked
    up once a page: the product page says it in two places)."""
    return selectors.availability_for(context["request"], product)


@register.simple_tag(takes_context=True)
def recommended_products(context, product) -> list:
    """Up to six products recommended with this one (``selectors.recommended_products``)."""
    return selectors.recommended_products(context["request"], product)


@register.simple_tag
def menu_categories() -> list[tuple[str, str]]:
    """The menu's top-level categories: (name, address) pairs (``apps.storefront.menu``)."""
    return menu.top_categories()


@register.simple_tag(takes_context=True)
def basket_collect_status(context, basket):
    """Whether each basket line can be collected at the shopper's store (None: no store)."""
    return selectors.basket_collect_status(context["request"], basket)


@register.simple_tag(takes_context=True)
def held_for(context, line):
    """(units, "14:32"): what is held for the basket line's product at the shopper's store and
    until when, or None."""
    request = context["request"]
    return selectors.basket_holds(request, request.basket).get(line.product_id)


@register.simple_tag
def pickup_progress(order):
    return progress(order)


@register.filter
def pickup_qr(code):
    return mark_safe(pickup_codes.qr_svg(code)) if code else ""  # noqa: S308 - segno's own SVG


@register.filter
def pickup_qr_data_uri(code):
    return pickup_codes.qr_png_data_uri(code) if code else ""


@register.filter
def store_units(product):
    """Available to sell at the shopper's store, when the listing loaded it (else None)."""
    return getattr(product, "my_store_units", None)


@register.simple_tag(takes_context=True)
def my_store_ready(context) -> str:
    """When an order placed now could be collected at the shopper's store ("today at 15:00"),
    worked out once a page; "" without a store that collects."""
    return selectors.my_store_ready(context["request"])


#: Facet values that narrow nothing down.
MEANINGLESS = {"", "none", "null", "n/a"}


def useful_facet_items(items) -> list:
    """A facet's values worth showing: none that says nothing ("None"), and none at all when
    only one value is left to pick (every product is of that type) and it is not selected."""
    kept = [item for item in items if str(item.get("name", "")).strip().lower() not in MEANINGLESS]
    pickable = [item for item in kept if not item.get("disabled")]
    if len(pickable) < 2 and not any(item.get("selected") for item in kept):
        return []
    return kept


@register.simple_tag
def useful_facets(facet_data) -> list[dict]:
    """Oscar's facets (``facet_data``) less those that narrow nothing down."""
    facets = []
    for data in (facet_data or {}).values():
        items = useful_facet_items(data.get("results") or [])
        if items:
            facets.append({"name": data["name"], "items": items})
    return facets


@register.simple_tag(takes_context=True)
def my_store_filter_url(context, on: bool):
    """This listing's URL with the "available at my store" filter switched on or off."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params.pop("at_my_store", None)
    if on:
        params["at_my_store"] = "1"
    return f"?{params.urlencode()}" if params else context["request"].path


@register.filter
def items_in(basket) -> int:
    """Units in the basket (no query for a visitor who has no basket yet)."""
    return basket.num_items if basket.pk else 0


@register.filter
def pickup_code_display(code):
    return pickup_codes.display(code)


@register.filter
def in_minutes(duration) -> str:
    """A timedelta as "15 minutes" (or "1 minute")."""
    minutes = max(round(duration.total_seconds() / 60), 1)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def card_templates(product) -> list[str]:
    """Oscar's card templates, most particular first (as ``product_tags.render_product``)."""
    return [
        f"oscar/catalogue/partials/product/upc-{product.upc}.html",
        f"oscar/catalogue/partials/product/class-{product.get_product_class().slug}.html",
        "oscar/catalogue/partials/product.html",
    ]


@register.simple_tag(takes_context=True)
def product_cards(context, items) -> list[str]:
    """The product cards of a listing, each kept rendered for what it shows (the product's row,
    its price and stock for delivery, my store and its units there, when a pickup would be
    ready, whether it is in the first row): all fetched with one cache read, the missing ones
    rendered and kept. ``items`` are products or search results. A parent's card (priced from
    its children) and a signed-in shopper's are rendered each time."""
    request = context["request"]
    products = [getattr(item, "object", item) for item in items]  # a search result's product
    keep_them = not request.user.is_authenticated
    keys = [
        fragments.key(request, "card", (selectors.card_parts(request, product), position <= 2))
        if keep_them and product is not None and not product.is_parent
        else None
        for position, product in enumerate(products, 1)
    ]
    kept = fragments.get_many([key for key in keys if key])
    missing = [p for p, key in zip(products, keys, strict=True) if p and kept.get(key) is None]
    prefetch_related_objects(missing, *CARD_EXTRAS)
    csrf_token = context.get("csrf_token")
    flat, new, cards = context.flatten(), {}, []
    for position, (product, key) in enumerate(zip(products, keys, strict=True), 1):
        if product is None:  # the index names a product that is gone
            continue
        html = kept.get(key) if key else None
        if html is None:
            html = select_template(card_templates(product)).render(
                {**flat, "product": product, "forloop": {"counter": position}}
            )
            if key:
                new[key] = html = fragments.keep(html, request, csrf_token)
        cards.append(mark_safe(fragments.serve(html, request, csrf_token)))  # noqa: S308 - our templates' output
    fragments.put_many(new)
    return cards


class KeptNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context):
        request = context["request"]
        if request.user.is_authenticated:
            return self.nodelist.render(context)
        parts = tuple(part.resolve(context) for part in self.parts)
        key = fragments.key(request, self.name, parts)
        csrf_token = context.get("csrf_token")
        kept = fragments.get(key)
        if kept is None:
            kept = fragments.keep(self.nodelist.render(context), request, csrf_token)
            fragments.put(key, kept)
        return fragments.serve(kept, request, csrf_token)


@register.tag
def kept(parser, token):
    """``{% kept "name" value ... %}…{% endkept %}``: the enclosed markup rendered once for
    each set of values and kept in the shared cache (``apps.storefront.fragments``): name every
    value the markup shows that may change (stock, price, the shopper's store). Kept for
    visitors who are not signed in: a signed-in shopper's pages name their own stock alerts,
    wish lists and reviews, and are rendered each time."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("kept needs a name")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist, bits[1].strip("\"'"), [parser.compile_filter(b) for b in bits[2:]])
