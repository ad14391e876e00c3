"""URL sections whose views are imported on the first request that needs them.

A storefront worker never serves the API or the store console, yet Django imports every view the
root URLconf names on the first request (``reverse()`` fills the whole tree). With the API's
views come Django REST framework's renderers, drf-spectacular's schema views and the libraries
they pull in (requests, pygments, markdown, uritemplate...): megabytes in every gunicorn worker.
``lazy_include`` defers a section's import until a path under its prefix is resolved or one of
its names is reversed; ``manage.py check`` still imports and checks every section.
"""

from __future__ import annotations

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class LazyResolver(URLResolver):
    """A namespaced URLResolver that skips its share of the root's first fill while its module is
    not imported yet (the root keeps only its namespace then), and imports it when its own names
    or paths are needed."""

    def _loaded(self) -> bool:
        return "urlconf_module" in self.__dict__

    def _populate(self):
        if self._loaded():
            super()._populate()

    def _load(self):
        self.urlconf_module  # noqa: B018 (imports the section)

    @property
    def reverse_dict(self):
        self._load()
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self._load()
        return super().namespace_dict

    @property
    def app_dict(self):
        self._load()
        return super().app_dict

    def _is_callback(self, name):
        self._load()
        return super()._is_callback(name)


def lazy_include(route: str, module: str, namespace: str) -> LazyResolver:
    """``path(route, include(module))`` for a module whose ``app_name`` is ``namespace``."""
    return LazyResolver(RoutePattern(route), module, app_name=namespace, namespace=namespace)
