"""The database itself refuses to change audit entries.

PostgreSQL refuses row updates and deletes (TRUNCATE, a DBA's deliberate act that Django's test
flush uses, stays possible). SQLite refuses updates only: its table flush is a DELETE, and a
deleted entry is still found by `onestop audit verify`.
"""

from django.db import migrations

SQLITE = [
    "CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditrecord_no_update;",
]
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION core_auditrecord_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql;",
    "CREATE TRIGGER core_auditrecord_append_only BEFORE UPDATE OR DELETE ON core_auditrecord "
    "FOR EACH ROW EXECUTE FUNCTION core_auditrecord_append_only();",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditrecord_append_only ON core_auditrecord;",
    "DROP FUNCTION IF EXISTS core_auditrecord_append_only();",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}.get(
        schema_editor.connection.vendor, []
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
