"""Short ASCII slugs for schools' pages, and permanent redirects from the addresses they replace.

A school's slug is part of every one of its lesson addresses. Made from a Chinese name it is
percent-encoded into a hundred characters that a learner can neither read on a small phone nor
pass on in a message, so a school's page is named by a short ASCII slug instead.

``school_slugs_shorten`` takes an app registry and touches only plain model fields, never
Wagtail's tree methods or signals, so a data migration runs it on historical models and a test
on the real ones.
"""

from django.utils.text import slugify

MAX_SLUG_LENGTH = 40
_PATH_STEP = 4  # characters per tree level in a page's materialised path (treebeard, Wagtail)


def slug_is_short(slug: str) -> bool:
    return slug.isascii() and 0 < len(slug) <= MAX_SLUG_LENGTH


def school_slug_base(*, organisation_pk: int, name: str) -> str:
    """The school's name if it is already short ASCII words, else ``school-<organisation pk>``."""
    latin = slugify(name) if name.isascii() else ""
    if latin and slug_is_short(latin):
        return latin
    return f"school-{organisation_pk}"


def slug_free(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no sibling already has."""
    candidate, suffix = base, 1
    while candidate in taken:
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


def school_slugs_shorten(*, apps) -> list[tuple[str, str]]:
    """Give every school page whose slug is not short ASCII a short one; returns (old, new).

    Each page of the school's subtree keeps its old address as a permanent redirect to the page
    (on every site that serves it), so links learners saved or shared keep working. The school's
    revisions that carry the old slug get the new one, or the next publish from the editor, or a
    revert, would bring the long address back.
    """
    Page = apps.get_model("wagtailcore", "Page")
    SchoolPage = apps.get_model("courses", "SchoolPage")
    Organisation = apps.get_model("accounts", "Organisation")
    Revision = apps.get_model("wagtailcore", "Revision")
    Site = apps.get_model("wagtailcore", "Site")
    Redirect = apps.get_model("wagtailredirects", "Redirect")

    site_roots = [
        (site.pk, site.root_page.url_path) for site in Site.objects.select_related("root_page")
    ]
    renamed = []
    for school in SchoolPage.objects.order_by("path"):
        if slug_is_short(school.slug):
            continue
        parent = Page.objects.get(path=school.path[:-_PATH_STEP])
        taken = set(
            Page.objects.filter(path__startswith=parent.path, depth=school.depth)
            .exclude(pk=school.pk)
            .values_list("slug", flat=True)
        )
        organisation = Organisation.objects.get(pk=school.organisation_id)
        new_slug = slug_free(
            school_slug_base(organisation_pk=organisation.pk, name=organisation.name), taken
        )
        old_prefix, new_prefix = school.url_path, f"{parent.url_path}{new_slug}/"

        for page in Page.objects.filter(path__startswith=school.path).order_by("path"):
            old_url_path = page.url_path
            if not old_url_path.startswith(old_prefix):
                continue  # a url_path out of step with the tree; leave it as it is
            for site_pk, root_url_path in site_roots:
                if not old_url_path.startswith(root_url_path):
                    continue
                # As Redirect.normalise_path stores it: decoded, no trailing slash.
                old_path = "/" + old_url_path[len(root_url_path) :].rstrip("/")
                if len(old_path) > Redirect._meta.get_field("old_path").max_length:
                    continue
                Redirect.objects.update_or_create(
                    old_path=old_path,
                    site_id=site_pk,
                    defaults={
                        "redirect_page_id": page.pk,
                        "redirect_page_route_path": "",
                        "redirect_link": "",
                        "is_permanent": True,
                        "automatically_created": True,
                    },
                )
            changes = {"url_path": new_prefix + old_url_path[len(old_prefix) :]}
            if page.pk == school.pk:
                changes["slug"] = new_slug
            Page.objects.filter(pk=page.pk).update(**changes)

        for revision in Revision.objects.filter(
            object_id=str(school.pk),
            base_content_type__app_label="wagtailcore",
            base_content_type__model="page",
        ):
            content = revision.content
            if isinstance(content, dict) and content.get("slug") == school.slug:
                content["slug"] = new_slug
                content["url_path"] = new_prefix
                revision.content = content
                revision.save(update_fields=["content"])
        renamed.append((school.slug, new_slug))
    return renamed
