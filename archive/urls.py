from django.urls import path

from . import api, views

app_name = "archive"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("pages/<int:pk>/", views.PageDetailView.as_view(), name="page"),
    path("pages/<int:pk>/text/", views.PageTextView.as_view(), name="page-text"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article"),
    path("sections/<int:pk>/", views.SectionDetailView.as_view(), name="section"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person"),
    path("api/pages/", api.PageListApi.as_view(), name="api-pages"),
    path("api/articles/<int:pk>/", api.ArticleApi.as_view(), name="api-article"),
]
