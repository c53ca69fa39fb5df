from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "报纸档案"

    def ready(self):
        from . import counts  # noqa: F401  (connects the recounts to single saves and deletes)
