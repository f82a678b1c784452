"""Inserting many rows fast, for imports and fan-outs.

`bulk_create` prepares every value through the query compiler, which is most of the
cost of inserting tens of thousands of rows. Rows whose values are already in their
database form (strings, numbers, booleans, adapted timestamps) go in here through COPY
on PostgreSQL and executemany on SQLite, many times faster.
"""

from django.db import connection


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model, field_names: list[str], rows: list[tuple]) -> None:
    """INSERT `rows` (values in database form, in `field_names` order) into `model`."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in field_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(field_names))
        # Identifiers come from model metadata and are quoted; values go as parameters.
        insert = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        for chunk in chunks(rows, 5000):
            cursor.executemany(insert, chunk)


def existing(queryset, field: str, values) -> set:
    """Which of `values` the rows of `queryset` hold in `field`, in one query.

    On PostgreSQL the values go as one array (`= ANY(%s)`): a list of thousands sent as
    IN (%s, %s, ...) costs more to prepare on the client than the query costs to run.
    """
    values = list(values)
    if not values:
        return set()
    if connection.vendor == "postgresql":
        column = queryset.model._meta.get_field(field).column
        # The column comes from the model and is quoted; the values go as a parameter.
        found = queryset.extra(  # noqa: S610
            where=[f"{connection.ops.quote_name(column)} = ANY(%s)"], params=[values]
        )
        return set(found.values_list(field, flat=True))
    return set(queryset.filter(**{f"{field}__in": values}).values_list(field, flat=True))
