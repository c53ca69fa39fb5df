"""What goes into the index for each article and photo (haystack's index classes).
``search/documents.py`` turns what these prepare into the engines' ``IndexDocument``; how text is
tokenised is ``search/analyzers.py``. The text is joined here rather than by haystack's data
templates: rendering a template cost ~0.14 ms a document, 5% of indexing one."""

from haystack import indexes

from archive.models import Article, PhotoCaption


class ItemIndex(indexes.SearchIndex):
    # All printed text but an article's body: with ``body``, matched literally and ranked
    # (search/scoring.py).
    text = indexes.CharField(document=True)
    # An article's paragraphs and subheadings: what 正文: looks in.
    body = indexes.CharField()
    # The headline (or a photo's caption): matches here rank higher.
    head = indexes.CharField()
    kind = indexes.CharField()
    section = indexes.IntegerField(null=True)
    people = indexes.MultiValueField()
    date = indexes.DateField(null=True)
    parent = indexes.IntegerField(null=True)

    def prepare_people(self, obj):
        return [c.person_id for c in obj.contributions.all()]

    def prepare_date(self, obj):
        return obj.date or obj.page.date

    @staticmethod
    def names(obj) -> list[str]:
        return [c.person.name for c in obj.contributions.all()]


def lines_text(lines) -> str:
    return "".join(f"{line}\n" for line in lines)


class ArticleIndex(ItemIndex, indexes.Indexable):
    def get_model(self):
        return Article

    def index_queryset(self, using=None):
        return Article.objects.for_display()

    def prepare_text(self, obj):
        """Every printed word outside the body: banner, headline, byline, credited names, photo
        captions."""
        photos = [part for photo in obj.photos.all() for part in (photo.caption, photo.description, photo.credit)]
        lines = [obj.section.name if obj.section else "", obj.kicker, obj.title, obj.subtitle, obj.byline,
                 *self.names(obj), *photos]
        return lines_text(lines)

    def prepare_body(self, obj):
        return lines_text(block.text for block in obj.blocks())

    def prepare_head(self, obj):
        # The headline as printed: the section's banner is not part of it (it heads a whole
        # group of stories) and counts as text only.
        return "\n".join(part for part in (obj.kicker, obj.title, obj.subtitle) if part)

    def prepare_kind(self, obj):
        return "article"

    def prepare_section(self, obj):
        return obj.section_id

    def prepare_parent(self, obj):
        return None


class PhotoIndex(ItemIndex, indexes.Indexable):
    def get_model(self):
        return PhotoCaption

    def index_queryset(self, using=None):
        return PhotoCaption.objects.for_display().select_related("article")

    def prepare_text(self, obj):
        return lines_text([obj.caption, obj.description, obj.credit, *self.names(obj)])

    def prepare_head(self, obj):
        return obj.caption

    def prepare_body(self, obj):
        return ""  # a photo has no body: all its text is ``text``

    def prepare_kind(self, obj):
        return "photo"

    def prepare_section(self, obj):
        return obj.article.section_id if obj.article_id else None

    def prepare_parent(self, obj):
        return obj.article_id
