"""Attention checks become the learner's, and a page view remembers its enrolment.

A missed check used to bar only the page view it was shown in; now it bars the learner
(every tab, device and lesson) until a new check is passed. Learners whose latest check was
missed or failed start barred, as they would have been under the new rule. Each check is tied
to its learner. Page views opened in the last day are tied to the enrolment they were opened
under; older ones have long gone idle, and a page view without an enrolment earns nothing,
so such a tab is simply reloaded.
"""

import datetime as dt

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def forwards(apps, schema_editor):
    AttentionCheck = apps.get_model("credits", "AttentionCheck")
    StudyClock = apps.get_model("credits", "StudyClock")
    WatchSession = apps.get_model("credits", "WatchSession")
    Enrolment = apps.get_model("courses", "Enrolment")
    Page = apps.get_model("wagtailcore", "Page")

    for check in AttentionCheck.objects.select_related("session").iterator():
        check.learner_id = check.session.learner_id
        check.save(update_fields=["learner"])
    latest: dict[int, bool] = {}
    for learner_id, passed in AttentionCheck.objects.order_by("issued_at", "id").values_list(
        "learner_id", "passed"
    ):
        latest[learner_id] = passed
    barred = [learner_id for learner_id, passed in latest.items() if passed is False]
    StudyClock.objects.filter(learner_id__in=barred).update(attention_blocked=True)

    recent = WatchSession.objects.filter(last_report_at__gte=timezone.now() - dt.timedelta(days=1))
    pairs = recent.values_list("learner_id", "lesson_id").distinct()
    course_of: dict[int, int | None] = {}
    for learner_id, lesson_id in pairs:
        if lesson_id not in course_of:
            path = Page.objects.filter(pk=lesson_id).values_list("path", flat=True).first()
            parent = Page.objects.filter(path=path[:-4]).values_list("pk", flat=True).first()
            course_of[lesson_id] = parent if path else None
        enrolment = Enrolment.objects.filter(
            learner_id=learner_id, course_id=course_of[lesson_id], left_at__isnull=True
        ).first()
        if enrolment:
            recent.filter(learner_id=learner_id, lesson_id=lesson_id).update(enrolment=enrolment)


def backwards(apps, schema_editor):
    WatchSession = apps.get_model("credits", "WatchSession")
    StudyClock = apps.get_model("credits", "StudyClock")
    barred = StudyClock.objects.filter(attention_blocked=True).values("learner_id")
    WatchSession.objects.filter(learner_id__in=barred).update(attention_blocked=True)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_quiz_class_hour_credit"),
        ("credits", "0009_ledger_truncate_and_balance_guarded"),
        ("wagtailcore", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="attentioncheck",
            name="answer",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="attentioncheck",
            name="learner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attention_checks",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="studyclock",
            name="attention_after",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="studyclock",
            name="attention_blocked",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="studyclock",
            name="attention_check",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="credits.attentioncheck",
            ),
        ),
        migrations.AddField(
            model_name="studyclock",
            name="attention_due_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="watchsession",
            name="enrolment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="watch_sessions",
                to="courses.enrolment",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.AlterField(
            model_name="attentioncheck",
            name="learner",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="attention_checks",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RemoveField(
            model_name="watchsession",
            name="attention_blocked",
        ),
        migrations.AlterField(
            model_name="refusedtime",
            name="reason",
            field=models.CharField(
                choices=[
                    ("FASTER_THAN_REAL_TIME", "Faster than real time"),
                    ("PARALLEL_SESSION", "Watched in another tab or device at the same time"),
                    ("IDLE_GAP", "After a long pause without activity"),
                    ("DAILY_CAP", "Beyond the daily limit"),
                    ("ATTENTION_CHECK_FAILED", "After a missed attention check"),
                    ("OUT_OF_RANGE", "Claimed beyond what could have played"),
                    ("REPLAY", "A report already received"),
                    ("NOT_ENROLLED", "After leaving the course"),
                ],
                max_length=32,
            ),
        ),
        migrations.AddIndex(
            model_name="attentioncheck",
            index=models.Index(fields=["learner", "issued_at"], name="credits_att_learner_0588f9_idx"),
        ),
    ]
