from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("categories/<slug:code>/", views.category, name="category"),
    path("agencies/<slug:code>/", views.agency, name="agency"),
    path("services/<slug:code>/", views.service, name="service"),
    path("life-events/<slug:code>/", views.life_event, name="life_event"),
]
