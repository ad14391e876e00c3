"""The shopper's account card (mounted at ``accounts/card/`` before Oscar's account pages)."""

from django.urls import path

from .views import AccountCardView

app_name = "profiles"
urlpatterns = [path("", AccountCardView.as_view(), name="account-card")]
