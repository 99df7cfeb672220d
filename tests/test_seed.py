import pytest
from django.core.management import call_command

from crimes.models import Advice, CrimeArea, CrimeExample, OverviewSection
from initiatives.models import Initiative
from news.models import Article

LANGUAGES = ["en", "fr", "es", "ar"]


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
