from django.urls import path

from . import export, feeds, views

app_name = "search"

urlpatterns = [
    path("search/", views.SearchView.as_view(), name="search"),
    path("search/advanced/", views.AdvancedSearchView.as_view(), name="advanced"),
    path("search/export.<str:fmt>", export.ExportView.as_view(), name="export"),
    path("search/feed/", feeds.SearchFeedView.as_view(), name="feed"),
    path("api/search/", views.SearchApi.as_view(), name="api"),
    path("articles/<int:pk>/related/", views.RelatedView.as_view(), name="related"),
    path("api/articles/<int:pk>/related/", views.RelatedApi.as_view(), name="related-api"),
]
