"""Django's template backend, with each app's template tag libraries imported on the first
``{% load %}`` that names them instead of all at start.

Django's own backend imports every ``templatetags`` module of every installed app when its
engine is built, to find the libraries. A storefront worker then carries modules only the API's
browsable pages, the dashboard or the admin load: Django REST framework's tags alone bring its
serializers, renderers and ``requests``. Here the libraries are found by their module names,
without importing them; a name given by two apps goes, as in Django, to the later app.
``manage.py check`` still imports them all (Django's check for two libraries with one name).
"""

from __future__ import annotations

from importlib import import_module
from pkgutil import walk_packages

from django.apps import apps
from django.forms import renderers
from django.template.backends import django as django_backend
from django.template.library import InvalidTemplateLibrary


def library_candidates() -> dict[str, list[str]]:
    """Each library name and the modules that may define it, in Django's order (the last one
    that has a ``register`` wins), found without importing the modules."""
    packages = ["django.templatetags"]
    packages += [f"{config.name}.templatetags" for config in apps.get_app_configs()]
    candidates: dict[str, list[str]] = {}
    for package_name in packages:
        try:
            package = import_module(package_name)  # the package only, not its modules
        except ImportError:
            continue
        for entry in walk_packages(getattr(package, "__path__", []), f"{package_name}."):
            if not entry.ispkg:
                name = entry.name.removeprefix(package_name).lstrip(".")
                candidates.setdefault(name, []).append(entry.name)
    return candidates


class LazyLibraries(dict):
    """Library name -> ``Library``, importing a library on its first lookup (what the template
    parser's ``{% load %}`` does); an unknown name is a KeyError, as in Django's dict."""

    def __init__(self, candidates: dict[str, list[str]]):
        super().__init__()
        self.candidates = candidates

    def __missing__(self, name: str):
        for path in reversed(self.candidates.get(name, ())):
            try:
                module = import_module(path)
            except ImportError as refused:
                raise InvalidTemplateLibrary(
                    f"Invalid template library specified. ImportError raised when trying to "
                    f"load '{path}': {refused}"
                ) from refused
            if hasattr(module, "register"):  # else a helper module beside the libraries
                self[name] = module.register
                return module.register
        raise KeyError(name)


class DjangoTemplates(django_backend.DjangoTemplates):
    def get_templatetag_libraries(self, custom_libraries):
        return dict(custom_libraries)  # only those named in OPTIONS: the rest are found lazily

    def __init__(self, params):
        super().__init__(params)
        candidates = library_candidates()
        candidates.update({name: [path] for name, path in self.engine.libraries.items()})
        self.engine.template_libraries = LazyLibraries(candidates)


class FormRenderer(renderers.DjangoTemplates):
    """Django's form renderer (its own engine for the widgets' templates) on this backend."""

    backend = DjangoTemplates
