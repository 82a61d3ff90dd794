from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_draft_errors"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationmessage",
            name="respond_by",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name="agencytask",
            index=models.Index(fields=["agency", "breached_at"], name="task_sla_breaches"),
        ),
    ]
