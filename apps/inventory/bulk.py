"""Fast multi-row writes for imports and the demo loader (PostgreSQL COPY, batched elsewhere)."""

from django.db import connection

BATCH = 5000


def insert_rows(model, fields: list[str], rows: list[tuple]) -> None:
    """Insert many rows: COPY on PostgreSQL, batched bulk_create elsewhere. No signals, no save()."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(model._meta.get_field(f).column for f in fields)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    attnames = [model._meta.get_field(f).attname for f in fields]
    model.objects.bulk_create(
        [model(**dict(zip(attnames, row, strict=True))) for row in rows], batch_size=BATCH
    )


def set_column(model, column: str, values: dict[int, int], **constant) -> None:
    """Set ``column`` to a different value per primary key in one statement per batch."""
    if not values:
        return
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        extra = "".join(f", {model._meta.get_field(k).column} = %s" for k in constant)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS t SET {column} = v.value{extra} "
                "FROM (SELECT unnest(%s::integer[]) AS id, unnest(%s::integer[]) AS value) AS v "
                "WHERE t.id = v.id",
                [*constant.values(), list(values), list(values.values())],
            )
        return
    objects = [model(pk=pk, **{column: value}, **constant) for pk, value in values.items()]
    model.objects.bulk_update(objects, [column, *constant], batch_size=500)
