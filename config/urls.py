from django.contrib import admin
from django.urls import include, path

from . import site_files

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", site_files.robots_txt, name="robots"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("", include("search.urls")),
    path("", include("archive.urls")),
]
