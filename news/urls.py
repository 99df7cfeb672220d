from django.urls import path

from . import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    # Before the articles' addresses: no article is called "feed" (news.models.RESERVED_SLUGS).
    path("feed/", feeds.NewsFeed(), name="feed"),
    path("feed/atom/", feeds.AtomNewsFeed(), name="feed_atom"),
    path("<unicode_slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
]
