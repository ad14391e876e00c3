# The shopper-dependent pages for bench/compare_oscar.sh, run in either shop's shell:
#   python manage.py shell -v 0 -c "exec(open('bench/compare_shopper.py').read())"
# Makes a guest basket with 3 lines (Oscar's signed basket cookie) and, in Omnishop, the signed
# "my store" cookie of a shopper who has chosen a store; prints them as NAME=cookie lines, then
# the SQL queries of the basket page and (Omnishop) the product page with my store. Env: PRODUCT_PATH, COUNT_HOST, STORE_CODE.
import os as _os

from django.apps import apps as _apps
from django.conf import settings as _settings
from django.core.signing import Signer as _Signer
from django.db import connection as _connection
from django.test import Client as _Client
from django.test.utils import CaptureQueriesContext as _Capture
from oscar.core.loading import get_class as _get_class
from oscar.core.loading import get_model as _get_model

_host = _os.environ.get("COUNT_HOST", "127.0.0.1")
_Basket = _get_model("basket", "Basket")
_Product = _get_model("catalogue", "Product")
_strategy = _get_class("partner.strategy", "Selector")().strategy()
_basket = _Basket.objects.create()
_basket.strategy = _strategy
for _product in _Product.objects.filter(stockrecords__isnull=False).distinct().order_by("pk")[:3]:
    _basket.add_product(_product, 1)
_cookie = f"{_settings.OSCAR_BASKET_COOKIE_OPEN}={_Signer().sign(_basket.pk)}"
print(f"BASKET_COOKIE={_cookie}")


def _count(path, cookie=""):
    client = _Client(HTTP_HOST=_host, HTTP_COOKIE=cookie)
    client.get(path)  # the first request in a process fills its caches
    with _Capture(_connection) as ctx:
        response = client.get(path)
    return response.status_code, len(ctx.captured_queries)


print("QUERIES basket {} {}".format(*_count("/basket/", _cookie)))
if _apps.is_installed("apps.stores"):
    _client = _Client(HTTP_HOST=_host)
    _client.post(f"/stores/{_os.environ.get('STORE_CODE', 'leeds')}/choose/")
    from apps.stores.my_store import COOKIE_NAME as _STORE_COOKIE

    _store = f"{_STORE_COOKIE}={_client.cookies[_STORE_COOKIE].value}"
    print(f"STORE_COOKIE={_store}")
    print("QUERIES product+store {} {}".format(*_count(_os.environ["PRODUCT_PATH"], _store)))
