from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "comity.reference"
    verbose_name = "Reference vocabularies"
