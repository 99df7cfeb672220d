"""Site search (`/<lang>/search/`) and the words of the news list, on both databases: what
words find, in which order, with what snippet, and what is never found (issue 24)."""

import datetime
import os
import re

import pytest
from django.db import connection
from django.utils import timezone
from html5lib import HTMLParser

from core.search import index_words, normalise_arabic, query_terms
from crimes.models import Advice
from news.models import Article

from .factories import AdviceFactory, ArticleFactory

ARABIC_TITLE = "الإنتربول ينسق عملية دولية ضد الجرائم السيبرانية"


def result_urls(response):
    """The addresses of the results, in the order shown."""
    html = response.content.decode()
    return re.findall(r'class="card__title"><a href="([^"]+)"', html)


def search(client, words, language="en", **params):
    return client.get(f"/{language}/search/", {"q": words, **params})


def article_url(article, language="en"):
    return f"/{language}/news/{article.slug}/"


def require_postgresql():
    if connection.vendor != "postgresql":
        if os.environ.get("CYBERWATCH_REQUIRE_SERVICES") and os.environ.get("DATABASE_URL"):
            pytest.fail("this PostgreSQL pass runs on another database")
        pytest.skip("PostgreSQL only: CI's PostgreSQL passes run it")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


# The words, as both backends see them.


def test_arabic_is_normalised():
    assert normalise_arabic("الإنتربول") == "انتربول"
    assert normalise_arabic("إنتربول") == "انتربول"
    assert normalise_arabic("الانتربول") == "انتربول"
    assert normalise_arabic("والإنتربول وبالإنتربول للإنتربول") == "انتربول انتربول انتربول"
    assert normalise_arabic("مُحَمَّـــد") == "محمد"  # tashkeel and tatweel
    assert normalise_arabic("على مدرسة") == "علي مدرسه"  # ى and ة
    assert normalise_arabic("ال") == "ال"  # an article alone is left as it is


def test_words_are_folded_and_stemmed_per_language():
    assert index_words("Cœur", "fr") == index_words("coeur", "fr")
    assert index_words("botnets", "en") == ["botnet"] == index_words("Botnet", "en")
    assert index_words("arrests", "en") == index_words("arrest", "en")
    assert index_words("Sécurité", "fr") == index_words("securite", "fr")
    assert index_words("detenciones", "es") == index_words("detención", "es")
    assert index_words("<p>A &amp; B</p>", "en") == ["a", "b"]
    assert query_terms(["--"], "en") == []


@pytest.mark.django_db
def test_the_database_normalises_arabic_as_python_does():
    require_postgresql()
    samples = ["والإنتربول", "إنتربول", "الانتربول", "بالبريد الإلكترونيّ", "مُحَمَّـــد على"]
    with connection.cursor() as cursor:
        for sample in samples:
            cursor.execute("SELECT cyberwatch_arabic(%s)", [sample])
            assert cursor.fetchone()[0] == normalise_arabic(sample)


# What the seed's pages say is found.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("heartbleed", "/en/advice/heartbleed-bug/"),
        ("phishing", "/en/crimes/financial-crime-and-corruption/"),
        ("igci", "/en/initiatives/igci/"),
        ("IGCI", "/en/initiatives/igci/"),
        ("malware", "/en/crimes/attacks-on-computer-systems/"),
    ],
)
def test_each_page_is_found_by_what_it_is_about(client, seeded, words, expected):
    response = search(client, words)
    assert response.status_code == 200
    urls = result_urls(response)
    assert expected in urls
    assert urls[0] == expected  # the page about it comes first


@pytest.mark.django_db
def test_ligatures_are_folded(client, seeded):
    with_ligature = result_urls(search(client, "cœur"))
    assert len(with_ligature) == 2
    assert result_urls(search(client, "coeur")) == with_ligature
    assert result_urls(search(client, "COEUR")) == with_ligature


@pytest.mark.django_db
def test_plural_finds_singular_botnets_finds_the_simda_article(client, seeded):
    simda = Article.objects.get(title_fr__contains="Simda")
    assert article_url(simda) in result_urls(search(client, "botnets"))
    # The news list's words too.
    response = client.get("/en/news/", {"q": "botnets"})
    assert article_url(simda) in response.content.decode()


@pytest.mark.django_db
def test_a_word_of_the_body_is_found_in_its_stemmed_form(client):
    article = ArticleFactory(
        title_en="Operation Pangea", summary_en="A week of action.", body_en="<p>One arrest.</p>"
    )
    assert result_urls(search(client, "arrests")) == [article_url(article)]
    # The news list's words read what its cards show: the title and the summary.
    assert article_url(article) not in client.get("/en/news/", {"q": "arrests"}).content.decode()
    assert article_url(article) in client.get("/en/news/", {"q": "pangea"}).content.decode()


@pytest.mark.django_db
def test_a_title_match_ranks_above_a_summary_and_a_body_match(client):
    now = timezone.now()
    in_body = ArticleFactory(
        title_en="Workshop held",
        summary_en="Experts met.",
        body_en="<p>They spoke of ransomware.</p>",
        published_at=now - datetime.timedelta(hours=1),  # the newest
    )
    in_summary = ArticleFactory(
        title_en="Week of action",
        summary_en="Ransomware gangs were the target.",
        published_at=now - datetime.timedelta(hours=2),
    )
    in_title = ArticleFactory(
        title_en="Ransomware operation",
        summary_en="Servers seized.",
        published_at=now - datetime.timedelta(days=30),  # the oldest
    )
    assert result_urls(search(client, "ransomware")) == [
        article_url(in_title),
        article_url(in_summary),
        article_url(in_body),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("words", ["الانتربول", "إنتربول", "الإنتربول", "والإنتربول"])
def test_arabic_variants_find_the_article_written_with_alef_hamza(client, words):
    article = ArticleFactory(
        original_language="ar",
        title_en=None,
        summary_en=None,
        title_ar=ARABIC_TITLE,
        summary_ar="عملية مشتركة",
        slug="interpol-ar",
    )
    assert result_urls(search(client, words, language="ar")) == [article_url(article, "ar")]
    news = client.get("/ar/news/", {"q": words}).content.decode()
    assert article_url(article, "ar") in news


# Never found: what published() does not return.


@pytest.mark.django_db
def test_drafts_scheduled_and_unpublished_items_are_never_found(client):
    published = ArticleFactory(title_en="Skimming gang arrested")
    ArticleFactory(title_en="Skimming draft", draft=True)
    ArticleFactory(title_en="Skimming scheduled", future=True)
    ended = ArticleFactory(title_en="Skimming withdrawn")
    Article.objects.filter(pk=ended.pk).update(
        unpublish_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    AdviceFactory(title_en="Skimming: a draft advice", draft=True)
    AdviceFactory(title_en="Skimming: advice to come", future=True)
    advice = AdviceFactory(title_en="Skimming at cash machines")
    for language in ("en", "fr"):
        urls = result_urls(search(client, "skimming", language=language))
        assert sorted(urls) == sorted(
            [article_url(published, language), f"/{language}/advice/{advice.slug}/"]
        )
    assert Advice.objects.count() == 3


# The page.


@pytest.mark.django_db
@pytest.mark.parametrize("words", ["", "   "])
def test_no_words_give_a_helpful_page(client, seeded, words):
    response = search(client, words)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Type one or more words" in html
    assert 'role="status"' not in html


@pytest.mark.django_db
def test_no_results_suggest_fewer_words(client, seeded):
    response = search(client, "phishing zanzibar")
    html = response.content.decode()
    assert response.status_code == 200
    assert "0 results" in html
    assert "Try fewer words" in html


@pytest.mark.django_db
def test_words_past_the_cap_are_named(client, seeded):
    words = "interpol one two three four five six seven eight nine"
    html = search(client, words).content.decode()
    assert "These words were not searched for: eight nine." in html


@pytest.mark.django_db
def test_bad_input_is_a_clear_error_never_a_5xx(client, seeded):
    assert search(client, "x" * 201).status_code == 400
    assert search(client, "interpol", page="abc").status_code == 404
    assert search(client, "interpol", page="99").status_code == 404
    for words in ['"', "*", "NEAR(a b)", "a OR b", "{title_en}:x", "'); DROP TABLE x; --", "\x00"]:
        assert search(client, words).status_code in (200, 400), words


@pytest.mark.django_db
def test_results_are_paginated(client):
    ArticleFactory.create_batch(23, title_en="Cryptojacking case")
    first = search(client, "cryptojacking")
    assert len(result_urls(first)) == 20
    assert "23 results" in first.content.decode()
    second = search(client, "cryptojacking", page=2)
    assert len(result_urls(second)) == 3
    assert not set(result_urls(first)) & set(result_urls(second))


@pytest.mark.django_db
def test_snippets_mark_the_words_and_escape_the_rest(client):
    ArticleFactory(
        title_en="Sextortion network dismantled",
        summary_en="A <script>alert(1)</script> & sextortion ring.",
        body_en="<p>Victims of sextortion &lt;b&gt;were helped&lt;/b&gt;.</p>",
    )
    html = search(client, "sextortion").content.decode()
    assert "<mark>sextortion</mark>" in html
    assert "<script>" not in html and "<b>" not in html
    assert "alert(1)" in html  # the text of what looked like a tag is kept, escaped
    HTMLParser(strict=True).parse(html)


def snippets(response):
    """The snippets of the articles found, as HTML, in the order shown."""
    html = response.content.decode()
    return re.findall(r'<p class="card__summary search-snippet">(.*?)</p>', html, re.DOTALL)


@pytest.mark.django_db
def test_a_title_match_shows_the_opening_of_its_text_with_nothing_marked(client):
    words = " ".join(f"word{number}" for number in range(60))
    ArticleFactory(
        title_en="Ransomware group disrupted",
        summary_en="<p>Officers from twelve countries took part.</p>",
        body_en=f"<p>{words}</p>",
    )
    [snippet] = snippets(search(client, "ransomware"))
    assert "<mark>" not in snippet
    assert snippet.startswith("Officers from twelve countries took part. word0 word1")
    assert snippet.endswith(" …")  # the text goes on


@pytest.mark.django_db
def test_one_of_the_words_in_the_text_is_marked_when_the_others_are_in_the_title(client):
    ArticleFactory(
        title_en="Botnet taken down",
        summary_en="Servers were seized.",
        body_en="<p>The Simda operation freed 770,000 computers.</p>",
    )
    [snippet] = snippets(search(client, "botnet simda"))
    assert "<mark>Simda</mark>" in snippet


@pytest.mark.django_db
def test_each_result_is_shown_in_its_fallback_language_with_lang(client):
    article = ArticleFactory(french=True, title_fr="Rançongiciel : une arrestation")
    html = search(client, "rançongiciel").content.decode()
    card = html[html.index(article_url(article)) - 300 :]
    assert 'lang="fr"' in card[:300]


@pytest.mark.django_db
def test_the_search_page_uses_at_most_ten_queries(client, seeded, django_assert_max_num_queries):
    ArticleFactory.create_batch(30, title_en="Interpol operation")
    with django_assert_max_num_queries(10):
        assert search(client, "interpol").status_code == 200
    with django_assert_max_num_queries(10):
        assert search(client, "interpol", page=2).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_has_a_search_box_in_its_header(client, seeded, language):
    for path in (f"/{language}/", f"/{language}/news/", f"/{language}/advice/heartbleed-bug/"):
        html = client.get(path).content.decode()
        header = html[html.index("<header") : html.index("</header>")]
        assert f'action="/{language}/search/"' in header
        assert 'type="search"' in header and 'name="q"' in header


# The plan: an index scan.


@pytest.mark.django_db
def test_the_words_are_looked_up_in_the_index():
    """The news list's words: the articles' own documents' GIN indexes."""
    require_postgresql()
    from core.search import matching_q, word_texts

    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title_en=f"Cyber security workshop {number}",
            summary_en="Experts met.",
            slug=f"workshop-{number}",
            status="published",
            published_at=now - datetime.timedelta(hours=number),
        )
        for number in range(3000)
    )
    ArticleFactory(title_en="Interpol operation")
    texts = tuple(word_texts(["interpol"], ["en", "fr", "es", "ar"], "postgresql").values())
    # The words' condition (the published() one is a filter on the same rows): 3,001 rows
    # are few enough for a sequential scan to cost less, so that is not an option here.
    queryset = Article.objects.filter(
        matching_q(
            dict(zip(["en", "fr", "es", "ar"], texts, strict=True)),
            "shown_language_en",
            "postgresql",
        )
    ).order_by()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE news_article")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "article_search_en_idx" in plan
    assert "article_search_fr_idx" in plan


@pytest.mark.django_db
def test_the_news_list_without_results_suggests_dropping_words_or_filters(client, seeded):
    response = client.get("/en/news/", {"q": "botnet simda", "language": "en"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No article matches these filters." in html
    assert "Try fewer words" in html
    assert 'href="/en/news/?q=botnet+simda"' in html  # the words without the other filters
    assert 'href="/en/search/?q=botnet+simda"' in html  # the whole site
    assert 'href="/en/news/?language=en"' in html  # the filters without the words
    assert client.get("/en/news/?q=botnet+simda").status_code == 200
    assert "botnet" in client.get("/en/news/?q=botnet+simda").content.decode().lower()


@pytest.mark.django_db
def test_arabic_snippets_mark_the_words_whatever_their_spelling(client):
    ArticleFactory(
        original_language="ar",
        title_en=None,
        summary_en=None,
        title_ar="عملية مشتركة",
        summary_ar="نسق الإنتربول عملية دولية",
        slug="interpol-ar-snippet",
    )
    html = search(client, "انتربول", language="ar").content.decode()
    assert "<mark>الإنتربول</mark>" in html


@pytest.mark.django_db
def test_search_pages_are_not_indexed_and_name_the_plain_search_as_canonical(client, seeded):
    html = search(client, "interpol", page="2").content.decode()
    assert '<meta name="robots" content="noindex, follow">' in html
    assert '<link rel="canonical" href="http://testserver/en/search/">' in html


# PostgreSQL: the search's own table (news/search_index.py).


def ranked_ids(words, language="en", stop=100):
    from core.languages import language_codes
    from core.search import word_texts
    from news import public
    from news.models import SITE_SEARCHED_FIELDS
    from news.query import NewsQuery

    texts = tuple(
        word_texts(words, language_codes(), connection.vendor, SITE_SEARCHED_FIELDS).values()
    )
    now = timezone.now()
    table = public.ranked_page(now, texts, NewsQuery(), page_language=language, offset=0, stop=stop)
    orm = public.ranked_cards(now, texts, NewsQuery(), page_language=language, offset=0, stop=stop)
    return [card.pk for card in table], [card.pk for card in orm], table


@pytest.mark.django_db
def test_the_search_table_finds_what_the_articles_columns_find_in_the_same_order():
    require_postgresql()
    now = timezone.now()
    ArticleFactory(title_en="Ransomware gang", published_at=now - datetime.timedelta(days=3))
    ArticleFactory(
        title_en="Operation",
        summary_en="Ransomware seized.",
        published_at=now - datetime.timedelta(days=1),
    )
    ArticleFactory(french=True, title_fr="Rançongiciel et ransomware", summary_fr="Arrestations.")
    ArticleFactory(title_en="Ransomware draft", draft=True)
    ArticleFactory(title_en="Ransomware to come", future=True)
    for words, language in [
        (["ransomware"], "en"),
        (["ransomware"], "fr"),
        (["arrestations"], "ar"),
    ]:
        table, orm, rows = ranked_ids(words, language)
        assert table == orm, (words, language)
        assert all(row.match_total == len(orm) for row in rows)
    assert len(ranked_ids(["ransomware"])[0]) == 3
    # The body too, which the news list's words do not read: last, as the weakest match.
    in_body = ArticleFactory(title_en="Unrelated", body_en="<p>About ransomware.</p>")
    table, orm, _rows = ranked_ids(["ransomware"])
    assert table == [*orm, in_body.pk]


@pytest.mark.django_db
def test_the_search_table_follows_every_kind_of_write():
    require_postgresql()
    article = ArticleFactory(title_en="Skimming devices found")
    assert ranked_ids(["skimming"])[0] == [article.pk]
    article.title_en = "Card readers found"
    article.save()
    assert ranked_ids(["skimming"])[0] == []
    assert ranked_ids(["readers"])[0] == [article.pk]
    Article.objects.filter(pk=article.pk).update(status="draft")
    assert ranked_ids(["readers"])[0] == []
    Article.objects.filter(pk=article.pk).update(status="published")
    assert ranked_ids(["readers"])[0] == [article.pk]
    Article.objects.filter(pk=article.pk).update(
        unpublish_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert ranked_ids(["readers"])[0] == []
    Article.objects.filter(pk=article.pk).update(unpublish_at=None)
    article.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM news_articlesearch")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
def test_the_search_table_is_emptied_with_the_articles():
    """Django empties tables with TRUNCATE between some tests, which fires no row trigger."""
    require_postgresql()
    ArticleFactory(title_en="Kept until the table is emptied")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM news_articlesearch")
        assert cursor.fetchone()[0] == 1
        cursor.execute("TRUNCATE news_article CASCADE")
        cursor.execute("SELECT count(*) FROM news_articlesearch")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_the_search_tables_words_are_looked_up_in_its_index():
    require_postgresql()
    ArticleFactory.create_batch(3, title_en="Interpol operation")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            ranked_ids(["interpol"])
        sql = queries.captured_queries[0]["sql"]
        assert "news_articlesearch" in sql
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "news_articlesearch_match_en_idx" in plan


@pytest.mark.django_db
@pytest.mark.parametrize(
    "word", ["simda", "Kaspersky", "securite", "sécurité", "europol", "cybercriminalite"]
)
def test_simple_words_find_the_same_seed_items_on_both_databases(client, seeded, word):
    """The seed's headlines that hold the word, accents and case aside, are what both
    backends find for a simple word (one that is its own stem in the headline's language)."""
    from core.folding import fold

    expected = {
        article_url(article)
        for article in Article.objects.all()
        if fold(word) in re.findall(r"\w+", fold(article.shown_in("en").title))
    }
    assert expected, word
    assert {url for url in result_urls(search(client, word)) if "/news/" in url} == expected
