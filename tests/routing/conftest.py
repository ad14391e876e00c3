import pytest


@pytest.fixture
def net(db):
    """A warehouse (no coordinates: it is far from every store), Leeds, York (40 km away) and
    Manchester (58 km away), with a desk lamp and a kettle; Leeds has lamps but no kettle."""
    from tests.factories import LocationFactory, ProductFactory, StoreFactory, stock

    warehouse = LocationFactory(
        code="web", name="Online warehouse", kind="warehouse", latitude=None, longitude=None
    )
    leeds = StoreFactory(code="leeds", name="Omnishop Leeds", lead_time_minutes=60)
    york = StoreFactory(code="york", name="Omnishop York", latitude=53.96, longitude=-1.08)
    manchester = StoreFactory(
        code="manchester", name="Omnishop Manchester", latitude=53.4808, longitude=-2.2426
    )
    lamp = ProductFactory(title="Desk Lamp", upc="LAMP-1")
    kettle = ProductFactory(title="Kettle", upc="KETTLE-1")
    for product in (lamp, kettle):
        stock(warehouse, product, 10)
    stock(leeds, lamp, 5)
    stock(leeds, kettle, 0)
    stock(york, kettle, 3)
    stock(manchester, kettle, 4)
    stock(manchester, lamp, 4)
    return {
        "warehouse": warehouse,
        "leeds": leeds,
        "york": york,
        "manchester": manchester,
        "lamp": lamp,
        "kettle": kettle,
    }
