import datetime
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from crimes.models import Advice, CrimeArea, CrimeExample, OverviewSection
from initiatives.models import Initiative
from news.models import Article

from .factories import ArticleFactory

LANGUAGES = ["en", "fr", "es", "ar"]
# The organisation's page the seed is drawn from, as it was given (SPEC: the source).
SOURCE = Path(__file__).resolve().parents[1] / "cyberwatch" / "seed" / "source.txt"
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def source_headlines():
    """The source's news list, in its order: (date, headline) pairs, its dates in French."""
    found = re.findall(r"^(\d{2}) (\w+) (\d{4})\n\n(.+)$", SOURCE.read_text("utf-8"), re.M)
    return [
        (datetime.date(int(year), MONTHS.index(month) + 1, int(day)), headline)
        for day, month, year, headline in found
    ]


def source_text():
    return " ".join(SOURCE.read_text("utf-8").split())


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (OverviewSection, CrimeArea, CrimeExample, Advice, Initiative, Article)
    }


@pytest.mark.django_db
def test_seed_loads_the_source_content(seeded):
    assert Article.objects.count() == 34
    assert Article.objects.filter(original_language="en").count() == 9
    assert Article.objects.filter(original_language="fr").count() == 25
    assert Article.objects.published().count() == 34
    assert CrimeArea.objects.count() == 3
    assert Initiative.objects.count() == 2
    assert Advice.objects.published().count() == 2
    assert OverviewSection.objects.count() == 2
    assert CrimeExample.objects.count() == 9


@pytest.mark.django_db
def test_seed_keeps_the_dates_and_titles_of_the_source(seeded):
    newest = Article.objects.published().first()
    assert newest.title_en == (
        "INTERPOL Europe meeting develops regional collaboration against transnational crime"
    )
    assert newest.published_at.date().isoformat() == "2015-05-21"
    oldest = Article.objects.published().last()
    assert oldest.original_language == "fr"
    assert oldest.title_fr.startswith("La police des Maldives arrête")
    assert oldest.published_at.date().isoformat() == "2011-01-17"
    simda = Article.objects.get(title_fr__contains="Simda")
    assert simda.available_languages == ["fr"]


@pytest.mark.django_db
def test_digital_crime_centre_is_part_of_the_igci_in_singapore(seeded):
    igci = Initiative.objects.get(acronym="IGCI")
    dcc = Initiative.objects.get(slug="digital-crime-centre")
    assert dcc.parent == igci
    assert list(igci.children.all()) == [dcc]
    assert igci.location_en == "Singapore"
    assert dcc.location_en == "Singapore"


@pytest.mark.django_db
def test_non_news_content_is_available_in_all_four_languages(seeded):
    for model in (OverviewSection, CrimeArea, Initiative, Advice):
        for item in model.objects.all():
            assert item.available_languages == LANGUAGES, item


@pytest.mark.django_db
def test_arabic_seed_text_is_arabic(seeded):
    area = CrimeArea.objects.first()
    assert any("\u0600" <= ch <= "\u06ff" for ch in area.name_ar)


@pytest.mark.django_db
def test_seed_is_idempotent(seeded):
    before = counts()
    stamps = list(Article.objects.order_by("pk").values_list("pk", "updated_at"))
    call_command("seed_content", verbosity=0)
    assert counts() == before
    assert list(Article.objects.order_by("pk").values_list("pk", "updated_at")) == stamps


@pytest.mark.django_db
def test_seed_leaves_editors_changes_alone(seeded):
    area = CrimeArea.objects.get(slug="abuse")
    area.name_en = "Abuse and exploitation"
    area.save()
    call_command("seed_content", verbosity=0)
    area.refresh_from_db()
    assert area.name_en == "Abuse and exploitation"


@pytest.mark.django_db
def test_the_news_items_are_the_sources_dated_headlines_and_nothing_more(seeded):
    """No summary or body: the source gives none (SPEC §3). Each item is its headline, its
    date and its language, and is available in that language alone."""
    assert len(source_headlines()) == 34
    found = []
    for article in Article.objects.all():
        for code in LANGUAGES:
            assert not getattr(article, f"summary_{code}"), (article.slug, code)
            assert not getattr(article, f"body_{code}"), (article.slug, code)
            if code != article.original_language:
                assert not getattr(article, f"title_{code}"), (article.slug, code)
        assert article.available_languages == [article.original_language]
        day = article.published_at.astimezone(datetime.UTC).date()  # noon at the seat: that day
        found.append((day, getattr(article, f"title_{article.original_language}")))
    assert sorted(found) == sorted(source_headlines())


@pytest.mark.django_db
def test_the_news_list_keeps_the_sources_order(client, settings, seeded):
    """Newest first, and items of one day in the source's order (13 April 2015: the complex's
    inauguration, then Simda; 30 September 2014: the complex, Trend Micro, Kaspersky Lab)."""
    settings.PAGE_CACHE_SECONDS = 0
    slugs = []
    for page in (1, 2):
        response = client.get("/en/news/", {"page": page} if page > 1 else {})
        assert response.status_code == 200
        slugs += re.findall(r'class="card__title"><a href="/en/news/([^/"]+)/"', response.text)
    titles = dict(Article.objects.values_list("slug", "title_en"))
    titles.update({slug: t for slug, t in Article.objects.values_list("slug", "title_fr") if t})
    assert [titles[slug] for slug in slugs] == [title for _day, title in source_headlines()]


@pytest.mark.django_db
def test_a_headline_alone_is_listed_in_its_language_and_not_in_the_others(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    article = ArticleFactory(french=True, summary_fr="", title_fr="Une manchette seule")
    assert article.available_languages == ["fr"]
    for code in LANGUAGES:
        response = client.get("/en/news/", {"language": code})
        assert response.status_code == 200
        assert ("Une manchette seule" in response.text) is (code == "fr"), code
    page = client.get(f"/es/news/{article.slug}/")
    assert page.status_code == 200
    alternates = re.findall(r'<link rel="alternate" hreflang="([^"]+)"', page.text)
    assert sorted(alternates) == ["fr", "x-default"]
    assert '<meta name="description" content="Une manchette seule">' in page.text


@pytest.mark.django_db
def test_the_initiatives_say_what_the_source_says(client, settings, seeded):
    """The source: the IGCI is "currently being constructed in Singapore", the Digital Crime
    Centre "a key component of this new ... facility"; it gives no opening date."""
    settings.PAGE_CACHE_SECONDS = 0
    source = source_text()
    assert "(IGCI), currently being constructed in Singapore" in source
    igci = Initiative.objects.get(slug="igci")
    dcc = Initiative.objects.get(slug="digital-crime-centre")
    for initiative in (igci, dcc):
        assert initiative.status == Initiative.Status.UNDER_CONSTRUCTION
        assert initiative.opened_on is None
        for code in LANGUAGES:
            text = getattr(initiative, f"summary_{code}") + getattr(initiative, f"body_{code}")
            for claim in ("inaugur", "opened", "افتُتح", "افتتح", "2015"):
                assert claim not in text, (initiative.slug, code, claim)
    assert "currently being constructed in Singapore" in igci.body_en
    for sentence in re.findall(r"<p>(.*?)</p>", igci.body_en):  # the source's own words
        assert " ".join(sentence.split()) in source
    assert "en construction à Singapour" in igci.body_fr
    assert "en construcción en Singapur" in igci.body_es
    assert "يجري تشييده حاليًا في سنغافورة" in igci.body_ar
    for lang, status in (("en", "Under construction"), ("fr", "En construction")):
        page = client.get(f"/{lang}/initiatives/igci/")
        assert page.status_code == 200
        assert f'status--under_construction">{status}<' in page.text, lang
        assert "status--operational" not in page.text
