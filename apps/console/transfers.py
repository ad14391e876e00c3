"""Transfers between stores in the console: what this store sends and what it receives."""

urlpatterns = []
