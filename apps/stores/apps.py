from django.apps import AppConfig


class StoresConfig(AppConfig):
    name = "apps.stores"
    label = "stores"
    verbose_name = "Stores and locations"

    def ready(self) -> None:
        from . import directory  # noqa: F401 - its receivers keep the locations' version
