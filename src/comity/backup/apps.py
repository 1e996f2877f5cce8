from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "comity.backup"
    verbose_name = "Backup and restore"
