from django.db import models


class PendingIndexUpdate(models.Model):
    """An index write that has not landed yet (the index was locked by another writer).

    Rows are removed only after the index commit that applied them, so a crash or a busy
    index never loses an update; any later writer, or the retry thread, applies them.
    """

    label = models.CharField("类型", max_length=100)  # haystack's "app.model"
    object_id = models.CharField("编号", max_length=40)
    deleted = models.BooleanField("删除", default=False)
    queued_at = models.DateTimeField("排队时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "待更新索引"
        indexes = [models.Index(fields=["label", "object_id"])]

    def __str__(self):
        return f"{'删除' if self.deleted else '更新'} {self.label}.{self.object_id}"
