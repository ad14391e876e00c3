from django.utils.functional import SimpleLazyObject

from apps.stores.my_store import my_store as lookup


def my_store(request):
    """``my_store`` in every template, looked up only when a template uses it."""
    return {"my_store": SimpleLazyObject(lambda: lookup(request))}
