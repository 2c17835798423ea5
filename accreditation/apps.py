from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "accreditation"
    verbose_name = _("Accreditation of CMOs")

    def ready(self) -> None:
        # each part of the domain registers its notices, documents, console cards and evidence here
        from accreditation import applications_setup, publications_setup, sanctions_setup

        applications_setup.ready()
        sanctions_setup.ready()
        publications_setup.ready()
