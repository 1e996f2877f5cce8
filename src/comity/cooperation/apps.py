from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from comity.cooperation.choices import Direction, EventKind, NamesVisibleTo, Status, SubjectKind
from comity.core.imports import Importer, register_importer
from comity.core.transfers import register_export, register_import
from comity.reference.vocabulary import Vocabulary, register


class CooperationConfig(AppConfig):
    name = "comity.cooperation"
    verbose_name = "Cooperation requests"

    def ready(self) -> None:
        # The handlers need the models, which are ready only now.
        from comity.cooperation import commands, tasks, transfer
        from comity.core.jobs import register_job_kind

        register_job_kind(tasks.EXPORTS)

        register_import(commands.IMPORT)
        register_importer(
            Importer(
                "requests",
                transfer.import_requests_job,
                page="cooperation/import.html",
                fragment="cooperation/_import_job.html",
                start_url="request-import",
                job_url="request-import-job",
                list_url="request-list",
            )
        )
        register_export(commands.EXPORT)
        register(Vocabulary("status", _("Status of a request"), Status))
        register(Vocabulary("event", _("Event of a request's timeline"), EventKind))
        register(Vocabulary("direction", _("Direction of a request"), Direction))
        register(Vocabulary("subject_kind", _("Kind of subject"), SubjectKind))
        register(
            Vocabulary(
                "names_visible_to", _("Subjects' names of a confidential request visible to"), NamesVisibleTo
            )
        )
