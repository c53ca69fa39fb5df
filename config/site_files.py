"""The files every site answers for at its root: /robots.txt and /favicon.ico."""

from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

# Crawlers get the sitemap (every page, article, date and person) and stay out of the admin and
# of search results, which are endless (any query, filter and page number); templates/robots.txt.
robots_txt = TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links (base.html links favicon.svg): the
    icon is a static file, under its hashed name in production, so this is a temporary redirect
    a browser may keep for a day."""
    response = redirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response
