"""Give every existing lesson video the school it belongs to.

The rule, first that applies:

1. the school of the staff member who uploaded it;
2. otherwise the school of whoever owns, or last saved, a page that shows it (Wagtail's
   reference index says which pages point at the video; live pages are asked first, then
   the oldest): the lesson's author is an instructor of the course's school;
3. otherwise none: only administrators see the video until they give it to a school.
   Demo videos are given the demo school when the demo is loaded again (`make setup`).

Reading pages through Wagtail's own tables keeps this app free of the courses app. Going
back forgets the schools.
"""

from django.db import migrations


def _organisation_of(user_id, User):
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id).values_list("organisation_id", flat=True).first()


def assign(apps, schema_editor):
    VideoAsset = apps.get_model("media_pipeline", "VideoAsset")
    User = apps.get_model("accounts", "User")
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")

    video_type = ContentType.objects.filter(app_label="media_pipeline", model="videoasset").first()
    page_type = ContentType.objects.filter(app_label="wagtailcore", model="page").first()

    for asset in VideoAsset.objects.filter(organisation__isnull=True).iterator():
        school = _organisation_of(asset.uploaded_by_id, User)
        if school is None and video_type is not None and page_type is not None:
            page_ids = [
                int(value)
                for value in ReferenceIndex.objects.filter(
                    to_content_type=video_type,
                    to_object_id=str(asset.pk),
                    base_content_type=page_type,
                ).values_list("object_id", flat=True)
                if str(value).isdigit()
            ]
            pages = Page.objects.filter(pk__in=page_ids).order_by("-live", "first_published_at", "pk")
            for page in pages:
                school = _organisation_of(page.owner_id, User)
                if school is None:
                    last_author = (
                        Revision.objects.filter(
                            base_content_type=page_type, object_id=str(page.pk)
                        )
                        .exclude(user__isnull=True)
                        .order_by("-created_at")
                        .values_list("user_id", flat=True)
                        .first()
                    )
                    school = _organisation_of(last_author, User)
                if school is not None:
                    break
        if school is not None:
            VideoAsset.objects.filter(pk=asset.pk).update(organisation_id=school)


def forget(apps, schema_editor):
    apps.get_model("media_pipeline", "VideoAsset").objects.update(organisation=None)


class Migration(migrations.Migration):
    dependencies = [
        ("media_pipeline", "0002_video_belongs_to_a_school"),
        ("accounts", "0002_school_lead"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(assign, forget)]
