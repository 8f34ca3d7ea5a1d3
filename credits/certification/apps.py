from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    """Programmes, applications, review and certificates: the layer above the ledger, which it
    reads and never writes."""

    name = "credits.certification"
    label = "certification"
    verbose_name = _("Certificates")
