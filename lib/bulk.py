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
