from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from comity.assets.choices import AssetProceeding, IdentifierKind, StepKind
from comity.core.imports import Importer, register_importer
from comity.core.transfers import register_export, register_import
from comity.reference.signals import rates_changed
from comity.reference.vocabulary import Vocabulary, register


class AssetsConfig(AppConfig):
    name = "comity.assets"
    verbose_name = "Asset recovery"

    def ready(self) -> None:
        register(Vocabulary("step", _("Measure in an asset's history"), StepKind))
        register(Vocabulary("asset_proceeding", _("Proceeding of a confiscation"), AssetProceeding))
        register(Vocabulary("identifier_kind", _("Kind of asset identifier"), IdentifierKind))
        # The services need the models, which are ready only now.
        from comity.assets import commands, transfer
        from comity.assets.services import provisional_conversions_redo

        register_import(commands.IMPORT)
        register_importer(
            Importer(
                "asset-cases",
                transfer.import_asset_cases,
                page="assets/import.html",
                fragment="assets/_import_job.html",
                start_url="asset-case-import",
                job_url="asset-case-import-job",
                list_url="asset-case-list",
            )
        )
        register_export(commands.EXPORT)

        rates_changed.connect(provisional_conversions_redo, dispatch_uid="assets-provisional-rates")
