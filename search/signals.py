"""haystack signal processor: which saved or deleted rows change which index documents."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from haystack.signals import BaseSignalProcessor

from archive.models import Article, ArticleContribution, Person, PhotoCaption, PhotoContribution, Section
from archive.signals import ingest_finished, ingest_running, items_changed

from .capacity import engine_advice

from .engines import engine
from .indexing import BATCH_LOCK_WAIT, flush_or_retry, schedule, write_now

ARTICLE, PHOTO = "archive.article", "archive.photocaption"


def affected(instance) -> list[tuple[str, list]]:
    """(label, ids) of the documents whose text includes ``instance``."""
    if isinstance(instance, Article):
        return [(ARTICLE, [instance.pk]), (PHOTO, list(instance.photos.values_list("pk", flat=True)))]
    if isinstance(instance, PhotoCaption):
        return [(PHOTO, [instance.pk])] + ([(ARTICLE, [instance.article_id])] if instance.article_id else [])
    if isinstance(instance, ArticleContribution):
        return [(ARTICLE, [instance.article_id])]
    if isinstance(instance, PhotoContribution):
        return [(PHOTO, [instance.photo_id])]
    if isinstance(instance, Section):
        return [(ARTICLE, list(instance.articles.values_list("pk", flat=True))),
                (PHOTO, list(PhotoCaption.objects.filter(article__section=instance).values_list("pk", flat=True)))]
    if isinstance(instance, Person):
        return [(ARTICLE, list(instance.articles.values_list("pk", flat=True))),
                (PHOTO, list(instance.photos.values_list("pk", flat=True)))]
    return []


class QueuedSignalProcessor(BaseSignalProcessor):
    """Admin saves and deletes, and every ingested page, go through the index queue."""

    watched = (Article, PhotoCaption, ArticleContribution, PhotoContribution, Section, Person)

    def setup(self):
        for model in self.watched:
            post_save.connect(self.handle_save, sender=model)
            post_delete.connect(self.handle_delete, sender=model)
        pre_delete.connect(self.handle_pre_delete, sender=Section)
        items_changed.connect(self.handle_ingest)
        ingest_finished.connect(self.handle_ingest_finished)

    def teardown(self):
        for model in self.watched:
            post_save.disconnect(self.handle_save, sender=model)
            post_delete.disconnect(self.handle_delete, sender=model)
        pre_delete.disconnect(self.handle_pre_delete, sender=Section)
        items_changed.disconnect(self.handle_ingest)
        ingest_finished.disconnect(self.handle_ingest_finished)

    def handle_save(self, sender, instance, raw=False, **kwargs):
        if raw:
            return
        for label, ids in affected(instance):
            schedule(label, ids, flush=not ingest_running())

    def handle_delete(self, sender, instance, **kwargs):
        if isinstance(instance, (Article, PhotoCaption)):
            label = ARTICLE if isinstance(instance, Article) else PHOTO
            schedule(label, [instance.pk], deleted=True, flush=not ingest_running())
            if isinstance(instance, PhotoCaption) and instance.article_id:
                schedule(ARTICLE, [instance.article_id], flush=not ingest_running())
        elif isinstance(instance, (ArticleContribution, PhotoContribution)):
            self.handle_save(sender, instance)

    def handle_pre_delete(self, sender, instance, **kwargs):
        # The section's articles lose it by an UPDATE that sends no signal of its own.
        self.handle_save(sender, instance)

    def handle_ingest(self, sender, articles_saved, photos_saved, articles_deleted, photos_deleted, **kwargs):
        # Queued with the change. In an ingest run, written to the index once, when the whole
        # run has finished; otherwise (people merged in the admin) after this commit.
        if engine().transactional:  # one write for the page, in its transaction
            write_now([(ARTICLE, articles_saved, articles_deleted), (PHOTO, photos_saved, photos_deleted)])
            return
        flush = not ingest_running()
        schedule(ARTICLE, articles_deleted, deleted=True, flush=flush)
        schedule(PHOTO, photos_deleted, deleted=True, flush=flush)
        schedule(ARTICLE, articles_saved, flush=flush)
        schedule(PHOTO, photos_saved, flush=flush)

    def handle_ingest_finished(self, sender, report, **kwargs):
        transaction.on_commit(lambda: flush_or_retry(BATCH_LOCK_WAIT))
        advice = engine_advice()
        if advice:
            report.notices.append(advice)
