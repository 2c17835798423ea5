from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class DocumentsConfig(AppConfig):
    name = "udp.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from udp.documents import checks  # noqa: F401  (registers the font check)

        # Each app declares its kinds of document in its own ``documents`` module (see kinds.py).
        autodiscover_modules("documents")
