import html
import re

import pytest
from django.contrib import admin
from django.urls import reverse

from crimes.models import Advice, CrimeArea, OverviewSection
from initiatives.models import Initiative
from news.models import Article

from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory

CONTENT_MODELS = [OverviewSection, CrimeArea, Advice, Initiative, Article]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.fixture
def seeded_admin(seeded, admin_client):
    return admin_client


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_changelist_answers_and_shows_languages_column(seeded_admin, model):
    response = seeded_admin.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert "column-languages" in response.text
    assert "missing translation in" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_add_page_shows_language_tabs_served_locally(admin_client, model):
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == 200
    html = response.text
    assert "modeltranslation/js/tabbed_translation_fields.js" in html
    assert "/static/vendor/jquery-ui/jquery-ui.min.js" in html
    assert "googleapis" not in html
    title = model.title_field
    for code in ["en", "fr", "es", "ar"]:
        assert f'name="{title}_{code}"' in html
    # The Arabic field is marked right-to-left for the tab script.
    assert "mt-bidi" in html


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_change_page_answers(seeded_admin, model):
    item = model.objects.first()
    response = seeded_admin.get(admin_url(model, "change", item.pk))
    assert response.status_code == 200


@pytest.mark.django_db
def test_crime_area_examples_are_edited_inline(seeded_admin):
    area = CrimeArea.objects.get(slug="attacks-on-computer-systems")
    response = seeded_admin.get(admin_url(CrimeArea, "change", area.pk))
    assert 'name="examples-0-name_en"' in response.text
    assert 'name="examples-0-name_ar"' in response.text


@pytest.mark.django_db
def test_initiative_parent_is_selectable(seeded_admin):
    response = seeded_admin.get(admin_url(Initiative, "add"))
    assert 'name="parent"' in response.text
    assert "INTERPOL Global Complex for Innovation" in response.text


@pytest.mark.django_db
def test_missing_translation_filter_lists_items_not_available_in_that_language(admin_client):
    english = ArticleFactory(title_en="Only English")
    french = ArticleFactory(french=True)
    for missing, listed, left_out in (
        ("fr", english, french.title_fr),
        ("en", french, english.title_en),
    ):
        response = admin_client.get(admin_url(Article, "changelist"), {"missing": missing})
        assert list(response.context["cl"].result_list) == [listed]
        assert response.context["cl"].result_count == 1
        assert left_out not in response.text


@pytest.mark.django_db
def test_changelist_filters_by_status_crime_area_and_initiative(admin_client):
    area = CrimeAreaFactory()
    initiative = InitiativeFactory()
    tagged = ArticleFactory(crime_areas=[area], initiatives=[initiative])
    other = ArticleFactory(draft=True)
    url = admin_url(Article, "changelist")
    for params in (
        {"crime_areas__id__exact": area.pk},
        {"initiatives__id__exact": initiative.pk},
        {"status__exact": "published"},
    ):
        response = admin_client.get(url, params)
        assert response.status_code == 200
        assert tagged.title_en in response.text
        assert other.title_en not in response.text


@pytest.mark.django_db
def test_saving_an_article_in_the_admin_records_who_and_a_revision(admin_client, admin_user):
    from reversion.models import Version

    response = admin_client.post(
        admin_url(Article, "add"),
        {
            "title_fr": "Une opération",
            "summary_fr": "Résumé.",
            "slug": "une-operation",
            "original_language": "fr",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="une-operation")
    assert article.created_by == admin_user
    assert article.updated_by == admin_user
    assert Version.objects.get_for_object(article).count() == 1


@pytest.mark.django_db
def test_an_article_without_text_in_its_original_language_is_refused(admin_client):
    response = admin_client.post(
        admin_url(Article, "add"),
        {
            "title_en": "An English title",
            "slug": "english",
            "original_language": "fr",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "in its original language" in response.text
    assert not Article.objects.filter(slug="english").exists()


def test_every_content_model_is_registered_with_tabbed_translation_and_history():
    from modeltranslation.admin import TabbedTranslationAdmin
    from reversion.admin import VersionAdmin

    for model in CONTENT_MODELS:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, TabbedTranslationAdmin)
        assert isinstance(model_admin, VersionAdmin)


def title_cells(response, model):
    """The text of the linked title cells of a changelist, as the editor reads them."""
    cells = re.findall(
        rf'<th class="field-{model.title_field}"><a [^>]*>(.*?)</a></th>', response.text
    )
    return [html.unescape(cell) for cell in cells]


@pytest.mark.django_db
def test_english_changelist_names_french_articles_by_their_french_title(seeded_admin):
    response = seeded_admin.get(admin_url(Article, "changelist"))
    titles = title_cells(response, Article)
    assert len(titles) == 34
    assert "-" not in titles
    french = Article.objects.filter(original_language="fr")
    assert french.count() == 25
    for article in french:
        assert article.title_fr in titles


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_arabic_changelist_names_every_item(seeded_admin, settings, model):
    seeded_admin.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = seeded_admin.get(admin_url(model, "changelist"))
    assert '<html lang="ar" dir="rtl"' in response.text
    titles = title_cells(response, model)
    assert len(titles) == model.objects.count()
    assert all(title.strip() and title != "-" for title in titles)


@pytest.mark.django_db
def test_title_column_sorts_by_the_title_shown(admin_client):
    ArticleFactory(french=True, title_fr="Bravo")
    ArticleFactory(title_en="Charlie")
    ArticleFactory(french=True, title_fr="Alpha")
    response = admin_client.get(admin_url(Article, "changelist"), {"o": "1"})
    assert title_cells(response, Article) == ["Alpha", "Bravo", "Charlie"]


FRENCH_ARTICLE = {
    "title_fr": "Une opération contre le phishing",
    "summary_fr": "Résumé.",
    "slug": "une-operation",
    "original_language": "fr",
    "status": "draft",
    "published_at_0": "2026-01-01",
    "published_at_1": "10:00:00",
}


@pytest.mark.django_db
def test_add_message_names_an_article_written_in_french(admin_client):
    response = admin_client.post(admin_url(Article, "add"), FRENCH_ARTICLE, follow=True)
    messages = re.search(r'<ul class="messagelist">(.*?)</ul>', response.text, re.S).group(1)
    message = html.unescape(re.sub(r"<[^>]+>", "", messages)).strip()
    assert message == "The article “Une opération contre le phishing” was added successfully."


@pytest.mark.django_db
def test_change_page_and_history_name_an_article_written_in_french(admin_client):
    admin_client.post(admin_url(Article, "add"), FRENCH_ARTICLE)
    article = Article.objects.get(slug="une-operation")
    page = html.unescape(admin_client.get(admin_url(Article, "change", article.pk)).text)
    assert "<title>Une opération contre le phishing | Change article |" in page
    breadcrumbs = re.search(r'<div class="breadcrumbs">(.*?)</div>', page, re.S).group(1)
    assert "Une opération contre le phishing" in breadcrumbs
    history = html.unescape(admin_client.get(admin_url(Article, "history", article.pk)).text)
    assert "Change history: Une opération contre le phishing" in history


@pytest.mark.django_db
def test_an_item_with_no_title_at_all_is_named_by_its_slug(admin_client):
    article = ArticleFactory(title_en="", summary_en="", slug="no-title-yet", draft=True)
    response = admin_client.get(admin_url(Article, "changelist"))
    assert title_cells(response, Article) == ["no-title-yet"]
    assert str(article) == "no-title-yet"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "word", "slug"),
    [
        # Words of Spanish titles.
        (CrimeArea, "Ataques", "attacks-on-computer-systems"),
        (Advice, "protegerse", "staying-safe-online"),
        (Initiative, "Centro", "digital-crime-centre"),
    ],
    ids=["crimearea-es-name", "advice-es-title", "initiative-es-name"],
)
def test_search_finds_an_item_by_a_word_in_any_language(seeded_admin, model, word, slug):
    response = seeded_admin.get(admin_url(model, "changelist"), {"q": word})
    item = model.objects.get(slug=slug)
    assert list(response.context["cl"].result_list) == [item]
    assert str(item) in html.unescape(response.text)


@pytest.mark.django_db
def test_search_finds_an_article_by_a_word_of_its_summary(seeded_admin):
    """The seeded articles are headlines alone: an editor writes a French summary for one,
    and a word of it (not in the title) finds the article."""
    article = Article.objects.get(title_fr__contains="La menace grandissante")
    article.summary_fr = "Une délégation des Fidji s’est rendue au Secrétariat général."
    article.save()
    response = seeded_admin.get(admin_url(Article, "changelist"), {"q": "délégation"})
    assert list(response.context["cl"].result_list) == [article]
    assert str(article) in html.unescape(response.text)


@pytest.mark.django_db
def test_search_finds_an_overview_section_by_a_word_of_its_arabic_body(seeded_admin):
    section = OverviewSection.objects.first()
    word = section.body_ar.split()[1]
    response = seeded_admin.get(admin_url(OverviewSection, "changelist"), {"q": word})
    assert section in response.context["cl"].result_list
