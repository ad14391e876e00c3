import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

WORDS_INDEX = django.contrib.postgres.indexes.GinIndex(
    fields=["words"], name="search_document_words"
)


def add_words_index(apps, schema_editor):
    """GIN exists only on PostgreSQL: on SQLite the table stays empty (Whoosh searches)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("search", "Document"), WORDS_INDEX)


def remove_words_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("search", "Document"), WORDS_INDEX)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Document",
            fields=[
                (
                    "id",
                    models.AutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "django_ct",
                    models.CharField(help_text="app_label.model of the object", max_length=100),
                ),
                (
                    "django_id",
                    models.CharField(help_text="the object's primary key, as text", max_length=64),
                ),
                ("title", models.TextField(blank=True, help_text="weighs most in the ranking")),
                ("body", models.TextField(blank=True, help_text="the index's document text")),
                ("words", django.contrib.postgres.search.SearchVectorField(null=True)),
                ("fields", models.JSONField(default=dict)),
                ("indexed_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("django_ct", "django_id"), name="search_document_once"
                    )
                ],
            },
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="document", index=WORDS_INDEX)],
            database_operations=[migrations.RunPython(add_words_index, remove_words_index)],
        ),
    ]
