"""Writing in the admin: an item stays in the languages it was written in, whatever the admin's
language, and an item written in one language only needs no English and no hand-made slug."""

import pytest
from django.urls import reverse
from django.utils import translation

from crimes.models import Advice, CrimeArea
from initiatives.models import Initiative
from news.models import Article

from .factories import ArticleFactory


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def article_data(**fields):
    """What the add form sends when the editor touches only `fields`."""
    return {
        "slug": "",
        "original_language": "en",
        "status": "draft",
        "published_at_0": "2026-01-01",
        "published_at_1": "10:00:00",
        **fields,
    }


def add_article(client, **fields):
    response = client.post(add_url(Article), article_data(**fields))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.order_by("pk").last()


@pytest.fixture
def french_admin(admin_client, settings):
    # The admin is outside i18n_patterns: LocaleMiddleware takes its language from the cookie.
    admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return admin_client


ENGLISH_ONLY = {
    "title_en": "An English article",
    "summary_en": "In English only.",
    "body_en": "<p>English body.</p>",
}


@pytest.mark.django_db
def test_saving_in_french_leaves_the_french_columns_of_an_english_article_empty():
    article = ArticleFactory(**ENGLISH_ONLY)
    with translation.override("fr"):
        article.save()
    article = Article.objects.get(pk=article.pk)
    assert not article.body_fr
    assert not article.title_fr
    assert article.body_en == "<p>English body.</p>"
    assert article.available_languages == ["en"]


@pytest.mark.django_db
def test_an_english_article_added_in_a_french_admin_stays_english_only(french_admin):
    assert '<html lang="fr"' in french_admin.get(add_url(Article)).text
    article = add_article(french_admin, original_language="en", **ENGLISH_ONLY)
    assert article.body_en == "<p>English body.</p>"
    for code in ("fr", "es", "ar"):
        assert not getattr(article, f"title_{code}")
        assert not getattr(article, f"summary_{code}")
        assert not getattr(article, f"body_{code}")
    assert article.available_languages == ["en"]


@pytest.mark.django_db
def test_a_rich_text_body_is_still_sanitised_in_every_language(french_admin):
    article = add_article(
        french_admin,
        original_language="en",
        title_en="Title",
        body_en="<p>Hi<script>alert(1)</script></p>",
        title_ar="عنوان",
        body_ar='<p onclick="x()">مرحبا</p>',
    )
    assert article.body_en == "<p>Hi</p>"
    assert article.body_ar == "<p>مرحبا</p>"
    assert not article.body_fr


@pytest.mark.django_db
def test_add_form_offers_the_admin_language_as_original_language(french_admin):
    response = french_admin.get(add_url(Article))
    assert '<option value="fr" selected>' in response.text


SPANISH = {"title_es": "Operación contra el fraude en línea", "summary_es": "Resumen."}


@pytest.mark.django_db
def test_a_spanish_only_article_is_saved_with_spanish_as_original_and_a_slug(admin_client):
    article = add_article(admin_client, **SPANISH)  # original language left at English
    assert article.original_language == "es"
    assert article.slug == "operacion-contra-el-fraude-en-linea"
    assert article.available_languages == ["es"]
    assert str(article) == SPANISH["title_es"]


@pytest.mark.django_db
def test_a_spanish_only_article_written_in_a_french_admin_is_spanish(french_admin):
    article = add_article(french_admin, original_language="fr", **SPANISH)
    assert article.original_language == "es"
    assert article.slug == "operacion-contra-el-fraude-en-linea"


@pytest.mark.django_db
def test_a_second_article_with_the_same_title_gets_its_own_slug(admin_client):
    first = add_article(admin_client, **SPANISH)
    second = add_article(admin_client, **SPANISH)
    assert first.slug == "operacion-contra-el-fraude-en-linea"
    assert second.slug == "operacion-contra-el-fraude-en-linea-2"


@pytest.mark.django_db
def test_arabic_only_articles_get_unique_slugs_in_arabic_letters(admin_client):
    arabic = {"title_ar": "عملية ضد الاحتيال", "summary_ar": "ملخص."}
    first = add_article(admin_client, **arabic)
    second = add_article(admin_client, **arabic)
    assert first.original_language == "ar"
    assert first.slug == "عملية-ضد-الاحتيال"
    assert second.slug == "عملية-ضد-الاحتيال-2"


@pytest.mark.django_db
def test_a_slug_the_editor_types_is_kept(admin_client):
    article = add_article(admin_client, slug="my-own-slug", **SPANISH)
    assert article.slug == "my-own-slug"


@pytest.mark.django_db
def test_an_old_slug_of_another_article_is_not_reused(admin_client):
    moved = ArticleFactory(slug="operacion-contra-el-fraude-en-linea")
    moved.slug = "moved"
    moved.save()
    article = add_article(admin_client, **SPANISH)
    assert article.slug == "operacion-contra-el-fraude-en-linea-2"


@pytest.mark.django_db
def test_an_explicitly_chosen_original_language_is_not_overridden(admin_client):
    response = admin_client.post(add_url(Article), article_data(original_language="fr", **SPANISH))
    assert response.status_code == 200
    assert "in its original language" in response.text
    assert not Article.objects.exists()


CONTENT_WITH_SLUG = [
    (
        CrimeArea,
        {
            "name_en": "Ransomware and extortion",
            "summary_en": "Summary.",
            "ordering": "0",
            "examples-TOTAL_FORMS": "0",
            "examples-INITIAL_FORMS": "0",
        },
        "ransomware-and-extortion",
    ),
    (
        Advice,
        {
            "title_en": "Strong passwords",
            "summary_en": "Summary.",
            "status": "draft",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        },
        "strong-passwords",
    ),
    (
        Initiative,
        {"name_en": "Cyber Fusion Centre", "status": "planned", "ordering": "0"},
        "cyber-fusion-centre",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "data", "slug"), CONTENT_WITH_SLUG, ids=lambda value: getattr(value, "__name__", "")
)
def test_other_content_left_without_slug_gets_one_from_its_title(admin_client, model, data, slug):
    response = admin_client.post(add_url(model), {"slug": "", **data})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert model.objects.get().slug == slug
