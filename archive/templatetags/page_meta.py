"""What a page tells browsers, search engines and link previews about itself (base.html):
the title and description written once, used by <title>, the meta description and OpenGraph."""

import re

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

register = template.Library()


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        # The rendered text is escaped already (it is template output): safe to print again.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())
        return ""


@register.tag
def capture(parser, token):
    """``{% capture as name %}…{% endcapture %}``: the output, blocks included, kept in ``name``
    (one page's title block becomes <title> and og:title) instead of printed."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.filter
def summary(value, length=100) -> str:
    """Plain text for a description: paragraphs (a list, or text) run together, whitespace
    collapsed, cut to ``length`` characters with an ellipsis."""
    if isinstance(value, (list, tuple)):
        value = "".join(str(part).strip() for part in value)
    text = re.sub(r"\s+", " ", str(value or "")).strip()
    return Truncator(text).chars(int(length), truncate="…")
