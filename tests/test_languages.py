"""The fallback rule (an item shown in its original language, then en, fr, es, ar, where it is
not available in the page's), in Python and in SQL."""

import itertools

import pytest
from django.db.models import Count

from core.languages import available_in_q
from crimes.models import Advice
from news.models import Article

from .factories import AdviceFactory, ArticleFactory

LANGUAGES = ["en", "fr", "es", "ar"]


def article_in(languages, original):
    fields = {f"title_{code}": None for code in LANGUAGES} | {
        f"summary_{code}": None for code in LANGUAGES
    }
    for code in languages:
        fields[f"title_{code}"] = f"Title in {code}"
        fields[f"summary_{code}"] = f"Summary in {code}"
    return ArticleFactory(original_language=original, **fields)


@pytest.mark.django_db
def test_item_in_one_language_is_shown_in_it_everywhere():
    article = article_in(["fr"], original="fr")
    assert article.available_languages == ["fr"]
    for requested in LANGUAGES:
        shown = article.shown_in(requested)
        assert shown.language == "fr"
        assert shown.title == "Title in fr"
        assert shown.is_fallback is (requested != "fr")


@pytest.mark.django_db
def test_item_in_two_languages_falls_back_to_its_original_first():
    article = article_in(["en", "es"], original="es")
    assert article.display_language("en") == "en"
    assert article.display_language("es") == "es"
    # Not available in fr or ar: the original language (es) comes before en.
    assert article.display_language("fr") == "es"
    assert article.display_language("ar") == "es"


@pytest.mark.django_db
def test_item_in_two_languages_without_its_original_follows_en_fr_es_ar():
    article = article_in(["fr", "ar"], original="es")
    assert article.display_language("en") == "fr"
    assert article.display_language("es") == "fr"
    assert article.display_language("ar") == "ar"


@pytest.mark.django_db
def test_item_in_four_languages_is_shown_in_the_page_language():
    article = article_in(LANGUAGES, original="fr")
    assert article.available_languages == LANGUAGES
    for requested in LANGUAGES:
        assert article.display_language(requested) == requested
        assert not article.shown_in(requested).is_fallback


@pytest.mark.django_db
def test_a_headline_alone_makes_an_article_available():
    """A dated headline is a news item (SPEC §3): an article needs no summary or body."""
    article = article_in(["fr"], original="fr")
    article.title_en = "Only a title"
    article.save()
    assert article.is_available_in("en")
    assert article.available_languages == ["en", "fr"]
    assert article.display_language("en") == "en"
    assert article.display_language("es") == "fr"  # its original language, then en
    article.refresh_from_db()
    assert (article.available_en, article.shown_language_en) == (True, "en")  # the database's


@pytest.mark.django_db
def test_a_title_without_text_does_not_make_other_content_available():
    advice = AdviceFactory(title_fr="Rester en sécurité", summary_fr="Conseils.")
    advice.title_es = "Solo un título"
    advice.save()
    assert not advice.is_available_in("es")
    assert advice.available_languages == ["en", "fr"]
    assert advice.display_language("es") == "en"
    assert not Advice.objects.filter(available_in_q(Advice, "es")).exists()


@pytest.mark.django_db
def test_item_available_nowhere_is_never_shown_with_an_empty_title():
    advice = AdviceFactory(title_en="", summary_en="")
    Advice.objects.filter(pk=advice.pk).update(title_es="Solo un título")
    advice.refresh_from_db()
    assert advice.available_languages == []
    assert advice.shown_in("fr").title == "Solo un título"


@pytest.mark.django_db
def test_arabic_is_right_to_left():
    article = article_in(["ar"], original="ar")
    assert article.shown_in("en").direction == "rtl"
    assert article.shown_in("ar").direction == "rtl"
    assert article_in(["fr"], original="fr").shown_in("ar").direction == "ltr"


# What a field may hold: text, nothing, or only whitespace. ASCII whitespace counts as empty;
# a non-breaking space (U+00A0) counts as text, on both sides and on every database.
FILLINGS = ["Text", None, "", " ", "\n\t", " \r\n\f\v ", "\u00a0"]
BLANK_FILLINGS = {None, "", " ", "\n\t", " \r\n\f\v "}


def assert_sql_matches_python(articles):
    for code in LANGUAGES:
        in_python = {a.pk for a in articles if a.is_available_in(code)}
        found = Article.objects.filter(available_in_q(Article, code))
        assert set(found.values_list("pk", flat=True)) == in_python
        stored = Article.objects.filter(**{f"available_{code}": True})  # the generated column
        assert set(stored.values_list("pk", flat=True)) == in_python
        missing = set(Article.objects.exclude(available_in_q(Article, code)).values_list("pk"))
        assert {pk for (pk,) in missing} == {a.pk for a in articles} - in_python
        counted = Article.objects.aggregate(n=Count("pk", filter=available_in_q(Article, code)))
        assert counted["n"] == len(in_python)


@pytest.mark.django_db
def test_available_in_matches_the_python_rule():
    combos = [
        (set(languages), original)
        for size in range(1, 5)
        for languages in itertools.combinations(LANGUAGES, size)
        for original in LANGUAGES
    ]
    assert_sql_matches_python([article_in(languages, original) for languages, original in combos])


@pytest.mark.slow  # an oracle: every filling of every field, in Python and in SQL
@pytest.mark.django_db
def test_whitespace_only_text_is_empty_in_python_and_in_sql():
    articles = []
    for title, summary, body in itertools.product(FILLINGS, repeat=3):
        article = article_in([], original="en")
        # Written with .update(), as data may already hold it: save() could normalise it.
        Article.objects.filter(pk=article.pk).update(
            title_fr=title, summary_fr=summary, body_fr=body
        )
        article.refresh_from_db()
        articles.append(article)
        expected = title not in BLANK_FILLINGS  # an article's headline alone
        assert article.is_available_in("fr") is expected, (title, summary, body)
    assert_sql_matches_python(articles)


@pytest.mark.django_db
def test_other_content_needs_a_title_and_text_in_python_and_in_sql():
    advice = []
    for title, summary, body in itertools.product(FILLINGS, repeat=3):
        item = AdviceFactory()
        Advice.objects.filter(pk=item.pk).update(title_fr=title, summary_fr=summary, body_fr=body)
        item.refresh_from_db()
        advice.append(item)
        expected = title not in BLANK_FILLINGS and (
            summary not in BLANK_FILLINGS or body not in BLANK_FILLINGS
        )
        assert item.is_available_in("fr") is expected, (title, summary, body)
    found = set(Advice.objects.filter(available_in_q(Advice, "fr")).values_list("pk", flat=True))
    assert found == {item.pk for item in advice if item.is_available_in("fr")}
    missing = set(Advice.objects.exclude(available_in_q(Advice, "fr")).values_list("pk", flat=True))
    assert missing == {item.pk for item in advice if not item.is_available_in("fr")}
    shown = dict(Advice.objects.with_display_language("fr").values_list("pk", "shown_language"))
    assert shown == {item.pk: item.display_language("fr") for item in advice}


@pytest.mark.django_db
def test_whitespace_only_title_is_never_the_shown_language():
    article = article_in(["fr"], original="en")
    Article.objects.filter(pk=article.pk).update(title_en=" \n", summary_en="Summary in en")
    article.refresh_from_db()
    assert article.display_language("en") == "fr"
    row = Article.objects.with_display_language("en").get(pk=article.pk)
    assert (row.shown_language, row.shown_title) == ("fr", "Title in fr")


@pytest.mark.django_db
def test_sql_display_language_matches_the_python_rule():
    combos = [
        (languages, original)
        for size in range(0, 5)
        for languages in itertools.combinations(LANGUAGES, size)
        for original in LANGUAGES
    ]
    articles = {}
    for languages, original in combos:
        article = article_in(languages, original)
        if not languages:
            article.title_ar = "عنوان فقط"
            article.save()
        articles[article.pk] = article
    for requested in LANGUAGES:
        rows = Article.objects.with_display_language(requested).values_list(
            "pk", "shown_language", "shown_title"
        )
        for pk, language, title in rows:
            shown = articles[pk].shown_in(requested)
            assert (language, title) == (shown.language, shown.title), (pk, requested)
        stored = Article.objects.values_list("pk", f"shown_language_{requested}")  # generated
        assert dict(stored) == {pk: a.display_language(requested) for pk, a in articles.items()}


def test_every_per_language_list_follows_the_sites_languages():
    """What a language needs beyond settings.LANGUAGES (README, "Adding a language"): each list
    is derived from it, or checked against it here."""
    from pathlib import Path

    from django.conf import settings

    from core.languages import FALLBACK_ORDER, RIGHT_TO_LEFT
    from core.search import CONFIGURATIONS
    from news.counts.expressions import LANGUAGE_COLUMNS, LANGUAGE_PAIRS
    from news.models import ArticleCount, ArticleCountRollup

    codes = [code for code, _name in settings.LANGUAGES]
    assert list(FALLBACK_ORDER) == list(LANGUAGE_COLUMNS) == codes
    assert list(settings.MODELTRANSLATION_LANGUAGES) == codes
    assert {"ar"} == RIGHT_TO_LEFT
    assert set(CONFIGURATIONS) == set(codes)  # a full-text configuration each (PostgreSQL)
    fields = {field.name for field in Article._meta.get_fields()}
    for prefix in ("available_", "shown_language_", "search_", "title_", "summary_", "body_"):
        assert {name for name in fields if name.startswith(prefix)} >= {
            prefix + code for code in codes
        }, prefix
        assert len([name for name in fields if name.startswith(prefix)]) == len(codes), prefix
    count_fields = {field.name for field in ArticleCount._meta.fields}
    assert {name for name in count_fields if name.startswith("in_")} == {f"in_{c}" for c in codes}
    rollup = {field.name for field in ArticleCountRollup._meta.fields if field.name != "count"}
    expected = {f"count_{code}" for code in codes} | set(LANGUAGE_PAIRS)
    assert {name for name in rollup if name.startswith("count_")} == expected
    locale = Path(settings.BASE_DIR) / "locale"
    for code in codes[1:]:
        assert (locale / code / "LC_MESSAGES" / "django.po").exists(), code


@pytest.mark.django_db
def test_an_article_needs_only_its_headline_in_its_original_language():
    from django.core.exceptions import ValidationError

    article = Article(slug="headline", original_language="fr", title_fr="Une manchette")
    article.clean()  # no summary, no body: valid
    article.title_fr = " "
    article.summary_fr = "Un résumé sans titre."
    with pytest.raises(ValidationError) as refused:
        article.clean()
    assert list(refused.value.message_dict) == ["title_fr"]
