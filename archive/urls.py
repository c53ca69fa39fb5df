from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from . import api, converters, dates, feeds, views
from .sitemaps import SITEMAPS

app_name = "archive"
register_converter(converters.IsoDateConverter, "isodate")
register_converter(converters.PageLabelConverter, "label")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("pages/", views.PageListView.as_view(), name="pages"),
    # A page's and an article's addresses: by issue date and page label once the page has a
    # date; the numeric ones (the only ones before) answer an undated page or redirect.
    path("pages/<int:pk>/", views.PageDetailView.as_view(), name="page"),
    path("pages/<int:pk>/text/", views.PageTextView.as_view(), name="page-text"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article"),
    path("issues/<isodate:day>/", views.IssueView.as_view(), name="issue"),
    path("issues/<isodate:day>/<label:label>/", views.PageDetailView.as_view(), name="issue-page"),
    path("issues/<isodate:day>/<label:label>/text/", views.PageTextView.as_view(), name="issue-page-text"),
    path("issues/<isodate:day>/<label:label>/articles/<int:pk>/", views.ArticleDetailView.as_view(),
         name="issue-article"),
    path("dates/", dates.DateIndexView.as_view(), name="dates"),
    path("dates/<int:year>/", dates.YearView.as_view(), name="year"),
    path("dates/<int:year>/<int:month>/", dates.MonthView.as_view(), name="month"),
    path("dates/<int:year>/<int:month>/<int:day>/", dates.DayView.as_view(), name="day"),
    path("sections/", views.SectionListView.as_view(), name="sections"),
    path("sections/<int:pk>/", views.SectionDetailView.as_view(), name="section"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person"),
    path("photos/", views.PhotoListView.as_view(), name="photos"),
    path("feeds/latest/", feeds.LatestArticlesFeed(), name="feed-latest"),
    path("feeds/sections/<int:pk>/", feeds.SectionFeed(), name="feed-section"),
    # An index of sitemaps, each paginated: no response lists the whole archive.
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS, "sitemap_url_name": "archive:sitemap-section"},
         name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS, "template_name": "archive/sitemap.xml"},
         name="sitemap-section"),
    path("api/pages/", api.PageListApi.as_view(), name="api-pages"),
    path("api/articles/<int:pk>/", api.ArticleApi.as_view(), name="api-article"),
]
