"""Schools' pages named by their Chinese titles get short ASCII slugs.

Every page of such a school keeps its old address as a permanent redirect to the page; see
``courses.school_slugs``. Backward leaves the short slugs and the redirects in place: the old
addresses keep answering either way.
"""

from django.db import migrations

from courses.school_slugs import school_slugs_shorten


def shorten(apps, schema_editor):
    school_slugs_shorten(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_community_organisers"),
        ("courses", "0010_community_topic_requests"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(shorten, migrations.RunPython.noop)]
