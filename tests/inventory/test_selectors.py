import pytest

from apps.inventory import services
from apps.inventory.selectors import availability, mark_stocked
from apps.stores.selectors import StoreResult
from tests.factories import ProductFactory, StoreFactory, stock


def make_shop(n_stores, n_products):
    stores = [StoreFactory(code=f"s{n_stores}-{i}", name=f"Store {i}") for i in range(n_stores)]
    products = [ProductFactory() for _ in range(n_products)]
    for s in stores:
        for p in products:
            stock(s, p, 3)
    return stores, products


@pytest.mark.parametrize("n_stores,n_products", [(2, 2), (12, 15)])
def test_availability_takes_one_query_whatever_the_number_of_stores_and_products(
    db, django_assert_num_queries, n_stores, n_products
):
    stores, products = make_shop(n_stores, n_products)
    with django_assert_num_queries(1):
        found = availability(products=products, locations=stores)
    assert all(found.at(p, s) == 3 for p in products for s in stores)


def test_availability_subtracts_allocated_and_buffer_and_never_goes_negative(db, store, product):
    stock(store, product, 5)
    services.allocate(location=store, quantities={product.pk: 2})
    assert availability(products=[product], locations=[store]).at(product, store) == 3
    store.safety_buffer = 10
    store.save()
    assert availability(products=[product], locations=[store]).at(product, store) == 0


def test_stores_are_marked_with_everything_or_with_what_they_lack(db, django_assert_num_queries):
    stores, products = make_shop(3, 2)
    services.allocate(location=stores[1], quantities={products[0].pk: 3})  # none left at store 1
    results = [StoreResult(store, None, None) for store in stores]
    with django_assert_num_queries(1):
        mark_stocked(results, quantities={products[0].pk: 2, products[1].pk: 1})
    assert [r.has_everything for r in results] == [True, False, True]
    assert results[1].short == [(products[0].pk, 0)]
    assert results[0].short == results[2].short == []
