"""Path converters for readable addresses: /issues/2023-04-17/A01/."""

import datetime

from .issues import page_label


class IsoDateConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> datetime.date:
        return datetime.date.fromisoformat(value)  # ValueError (2023-02-30): no match, so 404

    def to_url(self, value: datetime.date) -> str:
        return value.isoformat()


class PageLabelConverter:
    regex = r"[A-Za-z]?\d{1,6}"

    def to_python(self, value: str) -> str:
        """The label as stored (``01`` → ``1``, ``a1`` → ``A01``): the page view then redirects
        a typed variant to the page's one address."""
        return page_label(value)

    def to_url(self, value: str) -> str:
        return value
