from django.utils.translation import gettext_lazy as _

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CertificationProgramme


class CertificationProgrammeViewSet(SnippetViewSet):
    model = CertificationProgramme
    icon = "success"
    menu_label = _("Certification programmes")
    add_to_admin_menu = True
    menu_order = 320
    list_display = ["name_zh", "issuer", "class_hours_required", "active"]
    list_filter = ["issuer", "active"]


register_snippet(CertificationProgrammeViewSet)
