"""Every session is linked by now (0005); from here on a session must have both links."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0005_session_progress_clock_daily_on_clock"),
    ]

    operations = [
        migrations.AlterField(
            model_name="watchsession",
            name="clock",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="credits.studyclock",
            ),
        ),
        migrations.AlterField(
            model_name="watchsession",
            name="progress",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="credits.lessonprogress",
            ),
        ),
    ]
