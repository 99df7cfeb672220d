"""The advice index, breadcrumbs that link every level, the news list's "Skip to results"
link, and the address an article prints with."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from .factories import AdviceFactory, ArticleFactory, InitiativeFactory


def breadcrumb(html):
    """[(href, text, aria-current)] of the page's breadcrumb trail."""
    trail = html[
        html.index('<nav class="breadcrumb"') : html.index(
            "</nav>", html.index('<nav class="breadcrumb"')
        )
    ]
    return [
        (href, re.sub(r"<[^>]+>", "", text).strip(), bool(current))
        for href, current, text in re.findall(
            r'<a href="([^"]*)"[^>]*?( aria-current="page")?>(.*?)</a>', trail
        )
    ]


@pytest.mark.django_db
def test_the_advice_index_lists_the_published_advice_newest_first(
    django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the page itself, not the cache's first reading
    now = timezone.now()
    AdviceFactory(title_en="Older advice", published_at=now - datetime.timedelta(days=9))
    AdviceFactory(title_en="Newer advice", published_at=now - datetime.timedelta(days=1))
    AdviceFactory(title_en="A draft", draft=True)
    AdviceFactory(title_en="Scheduled", future=True)
    with django_assert_max_num_queries(1) as captured:
        html = Client().get("/en/advice/").text
    shown = re.findall(r'<h2 class="card__title"><a href="[^"]+"[^>]*>([^<]+)</a>', html)
    assert shown == ["Newer advice", "Older advice"]
    queries = len(captured)
    for number in range(10):
        AdviceFactory(title_en=f"More advice {number}")
    with django_assert_max_num_queries(queries):
        Client().get("/en/advice/")


@pytest.mark.django_db
def test_every_page_links_to_the_advice_index_marked_current_there(seeded):
    for url in ["/fr/", "/fr/news/", "/fr/crimes/"]:
        assert '<li><a href="/fr/advice/">' in Client().get(url).text, url
    html = Client().get("/en/advice/").text
    assert '<a href="/en/advice/" aria-current="page">Advice</a>' in html


@pytest.mark.django_db
def test_an_articles_breadcrumb_links_home_news_its_year_and_itself():
    article = ArticleFactory(
        title_en="Botnet dismantled",
        published_at=datetime.datetime(2015, 4, 13, 10, tzinfo=datetime.UTC),
    )
    url = f"/en/news/{article.slug}/"
    assert breadcrumb(Client().get(url).text) == [
        ("/en/", "Home", False),
        ("/en/news/", "News", False),
        ("/en/news/?year=2015", "2015", False),
        (url, "Botnet dismantled", True),
    ]


@pytest.mark.django_db
def test_advice_crime_area_and_initiative_breadcrumbs_link_every_level(seeded):
    advice = Client().get("/en/advice/heartbleed-bug/").text
    assert [level[0] for level in breadcrumb(advice)] == [
        "/en/",
        "/en/advice/",
        "/en/advice/heartbleed-bug/",
    ]
    area = Client().get("/en/crimes/attacks-on-computer-systems/").text
    assert [level[0] for level in breadcrumb(area)] == [
        "/en/",
        "/en/crimes/",
        "/en/crimes/attacks-on-computer-systems/",
    ]
    parent = InitiativeFactory(name_en="Parent programme", slug="parent-programme")
    child = InitiativeFactory(name_en="Child project", slug="child-project", parent=parent)
    trail = breadcrumb(Client().get(child.get_absolute_url()).text)
    assert [level[1] for level in trail] == [
        "Home",
        "Initiatives",
        "Parent programme",
        "Child project",
    ]
    assert trail[-1][2] is True


@pytest.mark.django_db
def test_the_news_list_offers_a_skip_to_its_results_before_the_filters(seeded):
    html = Client().get("/en/news/?year=2015").text
    skip = html.index('<a class="skip-to-results" href="#results">Skip to results</a>')
    assert skip < html.index('class="filter-panel"')
    assert 'id="results"' in html
    assert "skip-to-results" not in Client().get("/en/news/?year=abc").text  # no results then


@pytest.mark.django_db
def test_an_article_carries_its_address_for_print(seeded):
    article = ArticleFactory(title_en="Printed")
    html = Client().get(f"/en/news/{article.slug}/?utm=x").text
    assert f'<p class="print-only" lang="en">http://testserver/en/news/{article.slug}/</p>' in html
