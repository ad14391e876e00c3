"""Public REST API for the catalogue: products with one price everywhere and what each
location can sell (online, at a store, at the stores around it)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from oscar.core.loading import get_class, get_model
from rest_framework import generics, serializers
from rest_framework.response import Response

from apps.inventory.availability import product_availability
from apps.inventory.selectors import availability, listing_queryset
from apps.stores.models import Store
from apps.stores.selectors import warehouse

from .filters import ProductFilter, search_parameter
from .plumbing import PublicAPIView
from .stores import StoreSerializer, describe

Product = get_model("catalogue", "Product")
Selector = get_class("partner.strategy", "Selector")


class StoreQuerySerializer(serializers.Serializer):
    store = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Store.objects.filter(is_active=True),
        required=False,
        help_text="Store code: say how many it has there (and around it)",
    )


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


class ProductListView(PublicAPIView, generics.ListAPIView):
    serializer_class = ProductSerializer
    filterset_class = ProductFilter

    @extend_schema(
        summary="Browse or search the catalogue, with availability online and at a store",
        parameters=[search_parameter(ProductFilter)],
        responses={200: ProductSerializer(many=True)},
        tags=["catalogue"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return listing_queryset().browsable().filter(is_public=True).order_by("title", "pk")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        store = self.filterset.form.cleaned_data.get("store")
        context = serializer_context(request, page, store)
        return self.get_paginated_response(ProductSerializer(page, many=True, context=context).data)


class ProductDetailView(PublicAPIView):
    refusals = (422,)  # an unknown store

    @extend_schema(
        summary="One product: price, description, availability online, at a store and nearby",
        parameters=[StoreQuerySerializer],
        responses={200: ProductDetailSerializer},
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
