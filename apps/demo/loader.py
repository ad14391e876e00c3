"""The demo shop: catalogue, warehouse and stores, stock through the ledger, demo users.

Definitions live in ``fixtures/``; products are generated from them deterministically, so
loading twice changes nothing and ``--products``/``--stores`` scale the same shop up.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import textwrap
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.loading import get_model
from tqdm import tqdm

from apps.checkout.services import place_collect_order
from apps.instore.services import sell
from apps.inventory import services as stock
from apps.inventory.bulk import BATCH
from apps.inventory.models import StockImport
from apps.pickup import services as pickup
from apps.profiles.models import Profile
from apps.stores import directory
from apps.stores.models import Location, OpeningHours, StoreStaff
from apps.stores.services import open_location

StockRecord = get_model("partner", "StockRecord")
Order = get_model("order", "Order")
Country = get_model("address", "Country")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")

FIXTURES = settings.BASE_DIR / "fixtures"
IMAGE_DIR = "images/demo"


def _fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def upc_for(index: int) -> str:
    return f"OMNI-{index:06d}"


class DemoLoader:
    def __init__(
        self,
        *,
        products: int = 150,
        stores: int = 8,
        seed: int = 7,
        progress: bool = True,
        orders: bool = False,
        out=None,
    ):
        self.n_products, self.n_stores, self.with_orders = products, stores, orders
        self.seed, self.progress, self.out = seed, progress, out
        self.catalogue = _fixture("catalogue.json")
        self.store_data = _fixture("stores.json")

    def say(self, message: str) -> None:
        if self.out is not None:
            self.out.write(message)

    def bar(self, iterable, **kwargs):
        return tqdm(iterable, disable=not self.progress, **kwargs)

    def load(self) -> None:
        with transaction.atomic():
            self.load_countries()
            locations = self.load_locations()
            products = self.load_catalogue()
        self.load_stock(products, locations)
        with transaction.atomic():
            self.load_users()
        if self.with_orders:
            with transaction.atomic():
                self.load_orders()

    # --- locations --------------------------------------------------------------------------

    def load_countries(self) -> None:
        """Where home delivery goes (Oscar's address forms offer only shipping countries)."""
        Country.objects.get_or_create(
            iso_3166_1_a2="GB",
            defaults={
                "iso_3166_1_a3": "GBR",
                "iso_3166_1_numeric": "826",
                "printable_name": "United Kingdom",
                "name": "United Kingdom of Great Britain and Northern Ireland",
                "is_shipping_country": True,
            },
        )

    def store_rows(self) -> list[dict]:
        rows = list(self.store_data["stores"])
        rng = random.Random(self.seed)
        base = list(rows)
        n = len(rows)
        while n < self.n_stores:
            origin = base[n % len(base)]
            n += 1
            rows.append(
                {
                    **origin,
                    "code": f"{origin['code']}-{n:04d}",
                    "name": f"{origin['name']} {n}",
                    "line1": f"{rng.randint(1, 300)} High Street",
                    "latitude": round(origin["latitude"] + rng.uniform(-0.6, 0.6), 4),
                    "longitude": round(origin["longitude"] + rng.uniform(-0.9, 0.9), 4),
                    "click_and_collect": rng.random() > 0.1,
                }
            )
        return rows[: self.n_stores]

    def load_locations(self) -> list[Location]:
        wanted = [dict(self.store_data["warehouse"], kind=Location.Kind.WAREHOUSE)]
        wanted += [dict(row, kind=Location.Kind.STORE) for row in self.store_rows()]
        existing = set(
            Location.objects.filter(code__in=[w["code"] for w in wanted]).values_list(
                "code", flat=True
            )
        )
        hours = self.store_data["hours"]
        new = [w for w in wanted if w["code"] not in existing]
        for row in self.bar(new, desc="locations", unit="loc"):
            fields = {k: v for k, v in row.items() if k not in {"code", "name"}}
            fields.setdefault("email", f"{row['code']}@omnishop.example")
            location = open_location(code=row["code"], name=row["name"], **fields)
            if location.is_store:
                OpeningHours.objects.bulk_create(
                    [
                        OpeningHours(
                            location=location,
                            weekday=day,
                            opens=dt.time.fromisoformat(span[0]),
                            closes=dt.time.fromisoformat(span[1]),
                        )
                        for day in range(7)
                        for span in [
                            hours["weekday"]
                            if day < 5
                            else hours["saturday" if day == 5 else "sunday"]
                        ]
                    ]
                )
                directory.changed()  # a bulk insert sends no signal
        self.say(f"Locations: {len(new)} created, {len(existing)} already there.")
        return list(Location.objects.filter(code__in=[w["code"] for w in wanted]).order_by("pk"))

    # --- catalogue --------------------------------------------------------------------------

    def product_rows(self):
        """(index, title, category, price, description) for every demo product, deterministic."""
        rng = random.Random(self.seed)
        categories = self.catalogue["categories"]
        adjectives = self.catalogue["adjectives"]
        for index in range(1, self.n_products + 1):
            category = categories[(index - 1) % len(categories)]
            noun = category["nouns"][((index - 1) // len(categories)) % len(category["nouns"])]
            adjective = adjectives[((index - 1) // (len(categories) * 2)) % len(adjectives)]
            title = f"{adjective} {noun}"
            if index > len(categories) * 2 * len(adjectives):
                title += f" {index}"
            low, high = category["price"]
            price = Decimal(rng.randint(low * 100, high * 100) // 50 * 50 - 1) / 100
            description = rng.choice(self.catalogue["descriptions"]).format(
                title=title, category=category["name"].lower()
            )
            yield index, title, category, max(price, Decimal("0.99")), description

    def load_catalogue(self) -> list[tuple[Product, Decimal]]:
        product_class, _ = ProductClass.objects.get_or_create(
            slug="goods", defaults={"name": "Goods", "requires_shipping": True, "track_stock": True}
        )
        categories = {
            c["name"]: create_from_breadcrumbs(c["name"]) for c in self.catalogue["categories"]
        }
        rows = list(self.product_rows())
        existing = dict(Product.objects.filter(upc__startswith="OMNI-").values_list("upc", "pk"))
        new_rows = [r for r in rows if upc_for(r[0]) not in existing]
        images = self.make_images(rows)
        for start in self.bar(range(0, len(new_rows), BATCH), desc="products", unit="batch"):
            chunk = new_rows[start : start + BATCH]
            created = Product.objects.bulk_create(
                [
                    Product(
                        structure=Product.STANDALONE,
                        product_class=product_class,
                        upc=upc_for(i),
                        title=title,
                        slug=slugify(title)[:200],
                        description=f"<p>{description}</p>",
                        is_public=True,
                    )
                    for i, title, _, _, description in chunk
                ]
            )
            if not created or created[0].pk is None:  # backends that do not return ids
                by_upc = dict(
                    Product.objects.filter(upc__in=[upc_for(r[0]) for r in chunk]).values_list(
                        "upc", "pk"
                    )
                )
                for product in created:
                    product.pk = product.id = by_upc[product.upc]
            ProductCategory.objects.bulk_create(
                [
                    ProductCategory(product=p, category=categories[r[2]["name"]])
                    for p, r in zip(created, chunk, strict=True)
                ]
            )
            ProductImage.objects.bulk_create(
                [
                    ProductImage(
                        product=p,
                        original=images[(r[0] - 1) % len(images)],
                        caption=r[1],
                        display_order=0,
                    )
                    for p, r in zip(created, chunk, strict=True)
                ]
            )
        self.say(f"Products: {len(new_rows)} created, {len(rows) - len(new_rows)} already there.")
        prices = {upc_for(r[0]): r[3] for r in rows}
        products = Product.objects.filter(upc__in=list(prices)).only("pk", "upc").order_by("pk")
        return [(p, prices[p.upc]) for p in products]

    def make_images(self, rows) -> list[str]:
        """One generated picture per base product, shared when the catalogue scales up."""
        from PIL import Image, ImageDraw, ImageFont

        folder = Path(settings.MEDIA_ROOT) / IMAGE_DIR
        folder.mkdir(parents=True, exist_ok=True)
        names = []
        font = ImageFont.load_default(size=34)
        small = ImageFont.load_default(size=22)
        for index, title, category, _, _ in rows[:150]:
            name = f"{IMAGE_DIR}/{upc_for(index).lower()}.png"
            names.append(name)
            path = Path(settings.MEDIA_ROOT) / name
            if path.exists():
                continue
            image = Image.new("RGB", (480, 480), category["colour"])
            draw = ImageDraw.Draw(image)
            draw.rounded_rectangle((30, 30, 450, 450), radius=36, outline="white", width=6)
            draw.multiline_text(
                (60, 150), "\n".join(textwrap.wrap(title, 16)), font=font, fill="white", spacing=10
            )
            draw.text((60, 390), category["name"].upper(), font=small, fill="white")
            image.save(path, optimize=True)
        return names

    # --- stock, through receipts in the ledger -----------------------------------------------

    def units_for(self, upc: str, location: Location) -> int:
        """Opening stock, the same on every database (seeded by SKU and location code)."""
        rng = random.Random(f"{self.seed}|{upc}|{location.code}")
        if location.kind == Location.Kind.WAREHOUSE:
            return 0 if rng.random() < 0.05 else rng.randint(5, 200)
        return 0 if rng.random() < 0.2 else rng.randint(1, 12)

    def load_stock(self, products, locations) -> None:
        """Opening stock at every location, each unit arriving as a receipt in the ledger under
        one import batch per location (``inventory.services.open_stock``)."""
        created_total = 0
        for location in self.bar(locations, desc="stock", unit="loc"):
            with transaction.atomic():
                batch = StockImport.objects.create(
                    filename=f"Demo opening stock at {location.code}",
                    mode=StockImport.Mode.DELTA,
                )
                created = stock.open_stock(
                    location=location,
                    stock_import=batch,
                    rows=[
                        stock.OpeningStock(
                            product_id=p.pk,
                            sku=p.upc,
                            price=price,
                            units=self.units_for(p.upc, location),
                            currency=settings.OSCAR_DEFAULT_CURRENCY,
                        )
                        for p, price in products
                    ],
                )
                if not created:
                    batch.delete()
                created_total += created
                if location.kind == Location.Kind.STORE:
                    self.place_in_bins(location)
        self.say(f"Stock records: {created_total} created.")

    def place_in_bins(self, location: Location) -> None:
        """Each product a bin in the store (aisle, bay, shelf: "C7-2"), where none is set yet,
        the same on every database; pick lists walk the store in their order."""
        records = list(StockRecord.objects.filter(partner_id=location.partner_id, bin_location=""))
        for record in records:
            rng = random.Random(f"{self.seed}|bin|{record.partner_sku}|{location.code}")
            record.bin_location = f"{rng.choice('ABCDEF')}{rng.randint(1, 12)}-{rng.randint(1, 4)}"
        StockRecord.objects.bulk_update(records, ["bin_location"], batch_size=BATCH)

    # --- people -----------------------------------------------------------------------------

    def load_users(self) -> None:
        User = get_user_model()
        created = 0
        for row in _fixture("users.json"):
            user = User.objects.filter(email__iexact=row["email"]).first()
            if user is None:
                user = User(username=row["email"][:150], email=row["email"])
                user.first_name, user.last_name = row["first_name"], row["last_name"]
                user.is_staff = user.is_superuser = row.get("superuser", False)
                user.set_password(row["password"])
                user.save()
                created += 1
            if row.get("phone"):
                Profile.objects.get_or_create(user=user, defaults={"phone": row["phone"]})
            if row.get("store"):
                StoreStaff.objects.get_or_create(
                    location=Location.objects.get(code=row["store"]),
                    user=user,
                    defaults={"role": row["role"]},
                )
        self.say(f"Users: {created} created.")

    # --- activity -------------------------------------------------------------------------------

    def load_orders(self) -> None:
        """A morning's work at the demo staff's stores, through the same services as the shop:
        orders to pick, one being picked, one ready whose shopper is here, one collected, a till
        sale. Only on a shop with no orders yet, so a second run adds nothing."""
        if Order.objects.exists():
            self.say("Orders: already there.")
            return
        User = get_user_model()
        shopper = User.objects.get(email="shopper@omnishop.example")
        created = 0
        for code, staff_email in (
            ("london-soho", "staff.london@omnishop.example"),
            ("manchester", "staff.manchester@omnishop.example"),
        ):
            store, staff = Location.objects.get(code=code), User.objects.get(email=staff_email)
            stocked = list(
                StockRecord.objects.filter(partner_id=store.partner_id, num_in_stock__gte=3)
                .order_by("product_id")
                .values_list("product_id", flat=True)[:6]
            )
            if len(stocked) < 6:
                continue
            orders = [
                place_collect_order(
                    user=shopper,
                    store=store,
                    quantities={stocked[n]: 1, stocked[n + 1]: 1} if n % 2 else {stocked[n]: 1},
                    collector_name="Shona Shopper",
                )[0]
                for n in range(5)
            ]
            for order in orders[2:]:  # the first two wait to be picked
                pickup.start_picking(order=order, by=staff)
            for order in orders[3:]:
                for line in pickup.unconfirmed_lines(order):
                    pickup.confirm_line(order=order, line=line, by=staff)
                pickup.mark_ready(order=order, by=staff)
            pickup.announce_arrival(order=orders[3], by=shopper, note="by the front door")
            pickup.hand_over(order=orders[4], by=staff, code=orders[4].pickup_code)
            sell(location=store, quantities={stocked[5]: 1}, by=staff, customer=shopper)
            created += 6
        self.say(f"Orders: {created} created (pickups in every state, a till sale).")
