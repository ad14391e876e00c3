"""Public REST API for the catalogue: products with one price everywhere and what each
location can sell (online, at a store, at the stores around it)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from oscar.core.loading import get_class, get_model
from rest_framework import generics, serializers
from rest_framework.response import Response

from apps.inventory.availability import product_availability
from apps.inventory.selectors import (
    availability,
    listing_queryset,
    product_ids_available_at,
    product_matches,
)
from apps.stores.models import Store
from apps.stores.selectors import warehouse

from .plumbing import PublicAPIView
from .stores import StoreSerializer, describe

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")


class StoreQuerySerializer(serializers.Serializer):
    store = serializers.SlugField(
        required=False, help_text="Store code: say how many it has there (and around it)"
    )

    def validate_store(self, code):
        store = Store.objects.filter(code=code, is_active=True).first()
        if store is None:
            raise serializers.ValidationError("No such store.")
        return store


class ProductQuerySerializer(StoreQuerySerializer):
    q = serializers.CharField(required=False, help_text="Part of the title, or the barcode (UPC)")
    category = serializers.SlugField(
        required=False, help_text="Category slug (and its subcategories)"
    )
    in_stock_at_store = serializers.BooleanField(
        required=False, default=False, help_text="Only what the store can sell now"
    )

    def validate(self, data):
        if data["in_stock_at_store"] and "store" not in data:
            raise serializers.ValidationError({"store": "Say which store."})
        if "category" in data:
            category = Category.objects.filter(slug=data["category"], is_public=True).first()
            if category is None:
                raise serializers.ValidationError({"category": "No such category."})
            data["category"] = category
        return data


class ProductSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    image = serializers.SerializerMethodField()
    price = serializers.SerializerMethodField(help_text="Tax included; the same in every channel")
    currency = serializers.SerializerMethodField()
    available_online = serializers.SerializerMethodField(help_text="Units for home delivery")
    available_at_store = serializers.SerializerMethodField(
        help_text="Units the store asked about can sell (null if none asked about)"
    )

    class Meta:
        model = Product
        fields = [
            "id",
            "upc",
            "title",
            "url",
            "image",
            "price",
            "currency",
            "available_online",
            "available_at_store",
        ]

    def _info(self, product):
        if not hasattr(product, "_api_purchase_info"):
            product._api_purchase_info = self.context["strategy"].fetch_for_product(product)
        return product._api_purchase_info

    def get_url(self, product) -> str:
        return self.context["request"].build_absolute_uri(product.get_absolute_url())

    def get_image(self, product) -> str | None:
        image = product.primary_image()
        if not getattr(image, "original", None):
            return None
        return self.context["request"].build_absolute_uri(image.original.url)

    def get_price(self, product) -> str | None:
        price = self._info(product).price
        return f"{price.incl_tax:.2f}" if price.exists else None

    def get_currency(self, product) -> str | None:
        price = self._info(product).price
        return price.currency if price.exists else None

    def get_available_online(self, product) -> int:
        return self.context["units"].at(product, self.context["warehouse"])

    def get_available_at_store(self, product) -> int | None:
        store = self.context.get("store")
        return self.context["units"].at(product, store) if store else None


class NearbySerializer(StoreSerializer):
    class Meta(StoreSerializer.Meta):
        fields = ["code", "name", "city", "distance_km", "available", "ready_for_pickup_at"]


class ProductDetailSerializer(ProductSerializer):
    description = serializers.CharField()
    nearby_stores = serializers.SerializerMethodField(
        help_text="The nearest click-and-collect stores that have it (around the store asked about)"
    )

    class Meta(ProductSerializer.Meta):
        fields = [*ProductSerializer.Meta.fields, "description", "nearby_stores"]

    def get_nearby_stores(self, product) -> list[dict]:
        stores = [
            describe(store, distance_km=distance, units=units)
            for store, units, distance in self.context["nearby"]
        ]
        return NearbySerializer(stores, many=True).data


def serializer_context(request, products, store):
    online = warehouse()
    locations = [loc for loc in (online, store) if loc is not None]
    return {
        "request": request,
        "strategy": Selector().strategy(request=request, user=request.user),
        "warehouse": online,
        "store": store,
        "units": availability(products=products, locations=locations),
    }


class ProductListView(PublicAPIView, generics.GenericAPIView):
    serializer_class = ProductSerializer

    @extend_schema(
        summary="Browse or search the catalogue, with availability online and at a store",
        parameters=[ProductQuerySerializer],
        responses={200: ProductSerializer(many=True)},
        tags=["catalogue"],
    )
    def get(self, request):
        query = ProductQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        products = listing_queryset().browsable().filter(is_public=True)
        if data.get("q"):
            products = products.filter(product_matches(data["q"].strip()))
        if data.get("category"):
            products = products.filter(
                categories__in=data["category"].get_descendants_and_self()
            ).distinct()
        store = data.get("store")
        if data["in_stock_at_store"]:
            products = products.filter(pk__in=product_ids_available_at(store))
        page = self.paginate_queryset(products.order_by("title", "pk"))
        context = serializer_context(request, page, store)
        return self.get_paginated_response(ProductSerializer(page, many=True, context=context).data)


class ProductDetailView(PublicAPIView):
    @extend_schema(
        summary="One product: price, description, availability online, at a store and nearby",
        parameters=[StoreQuerySerializer],
        responses={200: ProductDetailSerializer, 404: None},
        tags=["catalogue"],
    )
    def get(self, request, pk):
        product = get_object_or_404(listing_queryset().filter(is_public=True), pk=pk)
        query = StoreQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        store = query.validated_data.get("store")
        context = serializer_context(request, [product], store)
        context["nearby"] = product_availability(product=product, store=store).nearby
        return Response(ProductDetailSerializer(product, context=context).data)
