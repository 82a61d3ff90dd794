"""Audit entries are written unsealed and chained later by `audit_seal`, so appends never wait
for each other. The append-only guard now lets an entry change once: from unsealed to sealed,
its content untouched. Anything else, and any delete, is refused as before."""

from django.db import migrations, models

CONTENT = [
    "id", "occurred_at", "actor", "action", "entity_type", "entity_id", "channel",
    "on_behalf_of", "data",
]
SQLITE_CHANGED = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in CONTENT)
SQLITE = [
    "DROP TRIGGER IF EXISTS core_auditrecord_no_update;",
    "CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord "
    "WHEN OLD.sequence IS NOT NULL OR NEW.sequence IS NULL OR NEW.digest IS NULL "
    f"OR {SQLITE_CHANGED} "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditrecord_no_update;",
    "CREATE TRIGGER core_auditrecord_no_update BEFORE UPDATE ON core_auditrecord "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
]
POSTGRESQL_KEPT = " AND ".join(
    f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}" for column in CONTENT
)
POSTGRESQL = [
    "CREATE OR REPLACE FUNCTION core_auditrecord_append_only() RETURNS trigger AS $$ "
    "BEGIN "
    "IF TG_OP = 'UPDATE' AND OLD.sequence IS NULL AND NEW.sequence IS NOT NULL "
    f"AND NEW.digest IS NOT NULL AND {POSTGRESQL_KEPT} THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'the audit trail is append-only'; "
    "END; $$ LANGUAGE plpgsql;",
]
POSTGRESQL_REVERSE = [
    "CREATE OR REPLACE FUNCTION core_auditrecord_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END; $$ LANGUAGE plpgsql;",
]


def guard(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def guard_reverse(apps, schema_editor):
    statements = {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_background_work'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='auditrecord',
            options={'ordering': ['id']},
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='digest',
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='previous_digest',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='auditrecord',
            name='sequence',
            field=models.BigIntegerField(blank=True, null=True, unique=True),
        ),
        migrations.AddIndex(
            model_name='auditrecord',
            index=models.Index(condition=models.Q(('sequence__isnull', True)), fields=['id'], name='core_audit_unsealed'),
        ),
        # Last: on SQLite the field changes above rebuild the table, dropping its triggers.
        migrations.RunPython(guard, guard_reverse),
    ]
