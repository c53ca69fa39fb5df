"""What goes into the index for each article and photo. The text comes from data templates in
``search/templates/search/indexes/archive/``; how it is tokenised is ``search/analyzers.py``."""

import datetime

from haystack import indexes

from archive.models import Article, PhotoCaption

# Undated items sort after every dated one under "newest" and match no date range.
NO_DATE = datetime.date(1, 1, 1)


class ItemIndex(indexes.SearchIndex):
    # All printed text: jieba words for ranking ("text") and units/bigrams for recall ("ngrams").
    text = indexes.CharField(document=True, use_template=True)
    ngrams = indexes.CharField()
    # The headline (or a photo's caption): matches here rank higher.
    head = indexes.CharField()
    kind = indexes.CharField()
    section = indexes.CharField(null=True)
    people = indexes.MultiValueField()
    date = indexes.DateField(null=True)
    year_month = indexes.CharField(null=True)

    def prepare(self, obj):
        data = super().prepare(obj)
        data["ngrams"] = data["text"]
        when = obj.date or obj.page.date
        data["date"] = when or NO_DATE
        data["year_month"] = when.strftime("%Y-%m") if when else None
        return data

    def prepare_people(self, obj):
        return [str(c.person_id) for c in obj.contributions.all()]


class ArticleIndex(ItemIndex, indexes.Indexable):
    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return Article.objects.for_display()

    def prepare_head(self, obj):
        section = obj.section.name if obj.section else ""
        return "\n".join(part for part in (section, obj.kicker, obj.title, obj.subtitle) if part)

    def prepare_kind(self, obj):
        return "article"

    def prepare_section(self, obj):
        return str(obj.section_id) if obj.section_id else None


class PhotoIndex(ItemIndex, indexes.Indexable):
    def get_model(self):
        return PhotoCaption

    def index_queryset(self, using=None):
        return PhotoCaption.objects.for_display()

    def prepare_head(self, obj):
        return obj.caption

    def prepare_kind(self, obj):
        return "photo"

    def prepare_section(self, obj):
        return str(obj.article.section_id) if obj.article_id and obj.article.section_id else None
