from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "accreditation"
