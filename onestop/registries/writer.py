"""Writing generated rows fast: COPY on PostgreSQL, executemany on SQLite. Rows are tuples in
the order of a table's concrete fields, dates as ISO text, which both databases accept."""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model

from onestop.registries.models import TABLES


def columns_of(model: type[Model]) -> list[str]:
    return [str(field.column) for field in model._meta.concrete_fields]


class RowWriter:
    def __init__(self) -> None:
        self.rows: dict[type[Model], list[tuple]] = {model: [] for model in TABLES}
        self.written = dict.fromkeys(TABLES, 0)

    def add(self, model: type[Model], row: tuple) -> None:
        self.rows[model].append(row)

    def flush(self) -> None:
        """One transaction per flush, parents before children."""
        with transaction.atomic():
            for model in TABLES:
                rows = self.rows[model]
                if rows:
                    _insert(model, rows)
                    self.written[model] += len(rows)
                    self.rows[model] = []


def _insert(model: type[Model], rows: list[tuple]) -> None:
    table = connection.ops.quote_name(model._meta.db_table)
    names = columns_of(model)
    column_list = ", ".join(connection.ops.quote_name(name) for name in names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(names))
        insert = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"  # noqa: S608 (model names)
        cursor.executemany(insert, rows)


def registries_are_empty() -> bool:
    return not any(model._default_manager.exists() for model in TABLES)


def registries_clear() -> None:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in TABLES)
            with connection.cursor() as cursor:
                # Deferred foreign-key checks still pending in this transaction block TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables}")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        with connection.cursor() as cursor:
            for model in reversed(TABLES):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (a model's table name)


def sequences_reset() -> None:
    """Rows were written with explicit ids; later inserts must not collide with them."""
    statements = connection.ops.sequence_reset_sql(no_style(), TABLES)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
