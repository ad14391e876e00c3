"""The PostgreSQL search engine's index: one row per indexed object (``backends.PostgresEngine``).

The row keeps the words as a weighted ``tsvector`` (the title weighs most) under a GIN index,
and every field the search index prepared, as JSON, for filters, facets, ordering and the
result's stored fields. Only the engine writes it (``update``, ``remove``, ``clear``); on SQLite
the table exists but stays empty (Whoosh is the engine there).
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models


class Document(models.Model):
    django_ct = models.CharField(max_length=100, help_text="app_label.model of the object")
    django_id = models.CharField(max_length=64, help_text="the object's primary key, as text")
    title = models.TextField(blank=True, help_text="weighs most in the ranking")
    body = models.TextField(blank=True, help_text="the index's document text")
    words = SearchVectorField(null=True)
    fields = models.JSONField(default=dict)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["django_ct", "django_id"], name="search_document_once")
        ]
        indexes = [GinIndex(fields=["words"], name="search_document_words")]

    def __str__(self):
        return f"{self.django_ct}.{self.django_id}"
