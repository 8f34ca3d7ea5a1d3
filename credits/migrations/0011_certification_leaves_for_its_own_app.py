"""Certification programmes, applications, review events, certificates and verification logs
leave the credits app's state for their own app, ``certification`` (its ``0001``).

State only: their tables keep their names and their rows (the models name the tables in
``db_table``). The study and ledger models have no relation to them, so none is altered.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0010_attention_checks_per_learner_and_enrolment"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='certificate',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='reviewevent',
                    name='application',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='learner',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='programme',
                ),
                migrations.RemoveField(
                    model_name='certificate',
                    name='revoked_by',
                ),
                migrations.RemoveField(
                    model_name='verificationlog',
                    name='certificate',
                ),
                migrations.RemoveField(
                    model_name='certificationprogramme',
                    name='issuer',
                ),
                migrations.RemoveField(
                    model_name='certificationprogramme',
                    name='occupation',
                ),
                migrations.RemoveField(
                    model_name='certificationprogramme',
                    name='required_courses',
                ),
                migrations.RemoveField(
                    model_name='reviewevent',
                    name='actor',
                ),
                migrations.DeleteModel(
                    name='Application',
                ),
                migrations.DeleteModel(
                    name='Certificate',
                ),
                migrations.DeleteModel(
                    name='VerificationLog',
                ),
                migrations.DeleteModel(
                    name='CertificationProgramme',
                ),
                migrations.DeleteModel(
                    name='ReviewEvent',
                ),
            ],
            database_operations=[],
        ),
    ]
