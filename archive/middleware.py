"""Text from the page files is shown as printed, with one exception."""

import re

# Characters that reorder the text around them (embeddings, overrides, isolates): one hidden in
# a title can make it read as something else (``abc\u202edcba`` shows as ``abcabcd``). On the
# public site they are shown as what they are; the page's text view and the admin, where staff
# edit the text, keep them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match) -> str:
    return f"[U+{ord(match.group()):04X}]"


class VisibleBidiControlsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/admin/") or getattr(response, "streaming", False)
                or not response.get("Content-Type", "").startswith("text/html")):
            return response
        html = response.content.decode(response.charset)
        if BIDI_CONTROLS.search(html):
            response.content = BIDI_CONTROLS.sub(_visible, html).encode(response.charset)
        return response
