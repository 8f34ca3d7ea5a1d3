"""Certification becomes an app of its own: its models join it as they are.

The tables stay where they are, under their ``credits_*`` names (each model says so in
``db_table``), so no row moves: this migration only tells Django's state that the models are
now ``certification``'s, after ``credits.0011`` took them out of the credits app's state. The
content types follow, so permissions given on the models and anything pointing at them
through a content type keep working.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ["certificationprogramme", "application", "reviewevent", "certificate", "verificationlog"]


def _relabel(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # already there (made by a post_migrate run): nothing to carry over
        ContentType.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def content_types_to_certification(apps, schema_editor):
    _relabel(apps, schema_editor, "credits", "certification")


def content_types_back_to_credits(apps, schema_editor):
    _relabel(apps, schema_editor, "certification", "credits")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0002_school_lead"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0005_attendance_confirmation_and_code_misses"),
        ("credits", "0011_certification_leaves_for_its_own_app"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Application',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('submitted', 'Waiting for review'), ('more_info', 'More information asked'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='submitted', max_length=16)),
                        ('submitted_at', models.DateTimeField()),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('decision_reason', models.TextField(blank=True, default='')),
                        ('learner_note', models.TextField(blank=True, default='')),
                        ('exam_score', models.PositiveSmallIntegerField(blank=True, null=True)),
                        ('snapshot', models.JSONField(default=dict)),
                        ('counted_minutes', models.IntegerField(default=0)),
                        ('chain_head_hash', models.CharField(max_length=64)),
                        ('chain_head_seq', models.PositiveIntegerField(default=0)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('learner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'credits_application',
                        'ordering': ['submitted_at'],
                    },
                ),
                migrations.CreateModel(
                    name='CertificationProgramme',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name_zh', models.CharField(max_length=120, verbose_name='name (Chinese)')),
                        ('name_en', models.CharField(blank=True, default='', max_length=160, verbose_name='name (English)')),
                        ('level', models.CharField(blank=True, default='', max_length=2, verbose_name='level')),
                        ('description', models.TextField(blank=True, default='', verbose_name='description')),
                        ('class_hours_required', models.DecimalField(decimal_places=1, max_digits=6, verbose_name='class hours required in total')),
                        ('occupation_class_hours', models.DecimalField(decimal_places=1, default=0, help_text="Class hours that must come from courses of the programme's occupation.", max_digits=6, verbose_name='of which for this occupation')),
                        ('window_months', models.PositiveSmallIntegerField(default=24, verbose_name='hours count from the last (months)')),
                        ('assessment', models.CharField(choices=[('course_quiz', 'Pass every quiz of the required courses'), ('exam', 'An exam result recorded by the reviewer')], default='course_quiz', max_length=16, verbose_name='assessment')),
                        ('exam_pass_mark', models.PositiveSmallIntegerField(default=60, verbose_name='exam pass mark (%)')),
                        ('minutes_per_class_hour', models.PositiveSmallIntegerField(default=45, verbose_name='minutes per class hour')),
                        ('daily_cap_class_hours', models.PositiveSmallIntegerField(default=8, verbose_name='daily cap (class hours)')),
                        ('validity_years', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='certificate valid for (years)')),
                        ('active', models.BooleanField(default=True, verbose_name='open for applications')),
                        ('issuer', models.ForeignKey(limit_choices_to={'kind': 'evaluation'}, on_delete=django.db.models.deletion.PROTECT, related_name='programmes', to='accounts.organisation', verbose_name='issuing organisation')),
                        ('occupation', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='programmes', to='courses.occupation', verbose_name='occupation')),
                        ('required_courses', models.ManyToManyField(blank=True, related_name='+', to='courses.coursepage', verbose_name='required courses')),
                    ],
                    options={
                        'verbose_name': 'certification programme',
                        'verbose_name_plural': 'certification programmes',
                        'db_table': 'credits_certificationprogramme',
                        'ordering': ['name_zh'],
                    },
                ),
                migrations.CreateModel(
                    name='Certificate',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.CharField(max_length=32, unique=True)),
                        ('public_id', models.CharField(max_length=32, unique=True)),
                        ('status_index', models.PositiveIntegerField(unique=True)),
                        ('minutes', models.PositiveIntegerField()),
                        ('activity_start', models.DateField(blank=True, null=True)),
                        ('activity_end', models.DateField(blank=True, null=True)),
                        ('issued_at', models.DateTimeField()),
                        ('valid_until', models.DateTimeField(blank=True, null=True)),
                        ('credential', models.JSONField(default=dict)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_reason', models.TextField(blank=True, default='')),
                        ('application', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='certificate', to='certification.application')),
                        ('learner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to=settings.AUTH_USER_MODEL)),
                        ('revoked_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='certification.certificationprogramme')),
                    ],
                    options={
                        'db_table': 'credits_certificate',
                        'ordering': ['-issued_at'],
                    },
                ),
                migrations.AddField(
                    model_name='application',
                    name='programme',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='applications', to='certification.certificationprogramme'),
                ),
                migrations.CreateModel(
                    name='ReviewEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(choices=[('viewed', 'Opened the application'), ('approved', 'Approved'), ('rejected', 'Rejected'), ('more_info', 'Asked for more information'), ('exam_recorded', 'Recorded an exam result'), ('resubmitted', 'Learner answered'), ('revoked', 'Revoked the certificate'), ('exported', 'Exported a roster')], max_length=16)),
                        ('reason', models.TextField(blank=True, default='')),
                        ('detail', models.JSONField(blank=True, default=dict)),
                        ('at', models.DateTimeField()),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('application', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='certification.application')),
                    ],
                    options={
                        'db_table': 'credits_reviewevent',
                        'ordering': ['at', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='VerificationLog',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField()),
                        ('via', models.CharField(max_length=16)),
                        ('user_agent', models.CharField(blank=True, default='', max_length=200)),
                        ('certificate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='verifications', to='certification.certificate')),
                    ],
                    options={
                        'db_table': 'credits_verificationlog',
                        'ordering': ['-at'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='certificationprogramme',
                    constraint=models.CheckConstraint(condition=models.Q(('class_hours_required__gt', 0)), name='programme_requires_hours'),
                ),
                migrations.AddConstraint(
                    model_name='certificationprogramme',
                    constraint=models.CheckConstraint(condition=models.Q(('occupation_class_hours__lte', models.F('class_hours_required'))), name='occupation_hours_within_total'),
                ),
                migrations.AddConstraint(
                    model_name='certificationprogramme',
                    constraint=models.CheckConstraint(condition=models.Q(('minutes_per_class_hour__gt', 0)), name='class_hour_has_minutes'),
                ),
                migrations.AddConstraint(
                    model_name='certificate',
                    constraint=models.CheckConstraint(condition=models.Q(('revoked_at__isnull', True), models.Q(('revoked_reason', ''), _negated=True), _connector='OR'), name='revocation_has_reason'),
                ),
                migrations.AddConstraint(
                    model_name='application',
                    constraint=models.UniqueConstraint(condition=models.Q(('status__in', ['submitted', 'more_info'])), fields=('learner', 'programme'), name='one_open_application_per_programme'),
                ),
                migrations.AddConstraint(
                    model_name='application',
                    constraint=models.CheckConstraint(condition=models.Q(('exam_score__isnull', True), ('exam_score__lte', 100), _connector='OR'), name='exam_score_is_percent'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_certification, content_types_back_to_credits),
    ]
