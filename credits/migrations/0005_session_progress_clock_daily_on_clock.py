"""Each watch session points at the learner's progress on its lesson and the learner's clock,
so that a report reads and locks all three in one query; the daily counter moves onto the
clock row. Existing sessions are linked, and today's counters carried over."""

import django.db.models.deletion
from django.db import migrations, models


def link_sessions(apps, schema_editor):
    WatchSession = apps.get_model("credits", "WatchSession")
    LessonProgress = apps.get_model("credits", "LessonProgress")
    StudyClock = apps.get_model("credits", "StudyClock")
    DailyStudy = apps.get_model("credits", "DailyStudy")
    for daily in DailyStudy.objects.order_by("learner_id", "day"):
        # The latest day of each learner wins: only the current day's counter matters.
        StudyClock.objects.update_or_create(
            learner_id=daily.learner_id,
            defaults={"day": daily.day, "day_seconds": daily.credited_seconds},
        )
    for session in WatchSession.objects.order_by("started_at"):
        clock, _created = StudyClock.objects.get_or_create(learner_id=session.learner_id)
        progress, _created = LessonProgress.objects.get_or_create(
            learner_id=session.learner_id,
            lesson_id=session.lesson_id,
            defaults={"updated_at": session.started_at},
        )
        WatchSession.objects.filter(pk=session.pk).update(progress=progress, clock=clock)


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0004_session_notes_lesson_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="studyclock",
            name="day",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="studyclock",
            name="day_seconds",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="watchsession",
            name="clock",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="credits.studyclock",
            ),
        ),
        migrations.AddField(
            model_name="watchsession",
            name="progress",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="credits.lessonprogress",
            ),
        ),
        migrations.RunPython(link_sessions, migrations.RunPython.noop),
        migrations.DeleteModel(name="DailyStudy"),
    ]
