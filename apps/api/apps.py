from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "apps.api"
    label = "omnishop_api"
    verbose_name = "REST API"
