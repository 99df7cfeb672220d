"""The translation workspace: a change to the original language's text marks the
translations outdated until they are saved again; lists filter on missing and outdated
translations; the status page counts both per language and kind, linked to the lists."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from core.models import Profile, Review
from core.review import publish
from core.roles import PUBLISHER, TRANSLATOR
from news.models import Article

from .admin_forms import change_url, opened_version
from .factories import ArticleFactory


@pytest.fixture
def translated(db):
    return ArticleFactory(
        title_en="Botnet dismantled",
        summary_en="What happened.",
        title_fr="Botnet démantelé",
        summary_fr="Ce qui s'est passé.",
        title_ar="تفكيك شبكة",
        summary_ar="ما حدث.",
    )


@pytest.mark.django_db
def test_an_original_change_marks_the_translations_outdated_until_saved_again(translated):
    assert translated.outdated == []
    translated.summary_en = "What happened, in more detail."
    translated.save()
    assert translated.outdated == ["fr", "ar"]  # not Spanish: there is none
    translated.summary_fr = "Ce qui s'est passé, en détail."
    translated.save()
    assert translated.outdated == ["ar"]
    translated.refresh_from_db()
    assert translated.outdated == ["ar"]
    # Saving other fields changes nothing.
    translated.slug = "botnet-dismantled"
    translated.save()
    assert translated.outdated == ["ar"]


def translator(languages):
    user = get_user_model().objects.create_user("tina", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=TRANSLATOR))
    Profile.objects.create(user=user, languages=languages)
    client = Client()
    client.force_login(user)
    return client


def publisher():
    user = get_user_model().objects.create_user("pat", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=PUBLISHER))
    return user


def form_data(client, article):
    url = change_url(article)
    version = opened_version(client, article)
    article.refresh_from_db()
    return url, {
        "title_ar": article.title_ar,
        "summary_ar": article.summary_ar,
        "version": version,
    }


@pytest.mark.django_db
def test_a_translator_saving_the_item_brings_their_language_up_to_date(translated):
    translated.title_en = "Botnet taken down"
    translated.save()
    version = Article.objects.get(pk=translated.pk).version
    client = translator("ar")
    url, data = form_data(client, translated)
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "is confirmed as up to date" in response.text
    # Nothing changed: no review for a publisher to publish (an "empty review" that a
    # publisher had to publish before); the confirmation clears the Arabic flag directly,
    # within the translator's rights, and moves nobody's form out of date.
    translated.refresh_from_db()
    assert translated.outdated == ["fr"]
    assert translated.version == version
    assert not Review.objects.exists()


@pytest.mark.django_db
def test_a_translators_change_to_a_published_item_waits_with_its_language_outdated(translated):
    translated.title_en = "Botnet taken down"
    translated.save()
    client = translator("ar")
    url, data = form_data(client, translated)
    response = client.post(url, {**data, "title_ar": "تفكيك شبكة روبوتات"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    # The item is published: the translator's change awaits review, and the live Arabic
    # stays outdated until a publisher publishes it.
    translated.refresh_from_db()
    assert translated.outdated == ["fr", "ar"]
    review = Review.objects.get(object_id=translated.pk, state=Review.State.PENDING)
    publish(review, publisher())
    translated.refresh_from_db()
    assert translated.outdated == ["fr"]
    assert translated.title_ar == "تفكيك شبكة روبوتات"


@pytest.mark.django_db
def test_lists_filter_on_outdated_and_missing_translations(admin_client, translated):
    english_only = ArticleFactory(title_en="English only", summary_en="S.")
    translated.title_en = "Botnet taken down"
    translated.save()
    changelist = reverse("admin:news_article_changelist")
    outdated_fr = admin_client.get(changelist, {"outdated": "fr"}).text
    assert "Botnet taken down" in outdated_fr and "English only" not in outdated_fr
    missing_fr = admin_client.get(changelist, {"missing": "fr"}).text
    assert "English only" in missing_fr and "Botnet taken down" not in missing_fr
    assert english_only.outdated == []
    # Every content list has both filters.
    for model in (
        "crimes/crimearea",
        "crimes/advice",
        "crimes/overviewsection",
        "initiatives/initiative",
    ):
        page = admin_client.get(f"/admin/{model}/").text
        assert "?outdated=fr" in page and "?missing=fr" in page, model


@pytest.mark.django_db
def test_the_status_page_counts_missing_and_outdated_per_language_and_kind(
    admin_client, client, translated
):
    ArticleFactory(title_en="English only", summary_en="S.")
    translated.title_en = "Botnet taken down"
    translated.save()
    page = admin_client.get("/admin/translations/").text
    row = page.split(">Articles</th>")[1].split("</tr>")[0]
    cells = re.findall(r"<td>(.*?)</td>", row)
    english, french, spanish, arabic = cells
    assert "missing: 0" in english and "outdated: 0" in english
    assert 'missing: <a href="/admin/news/article/?missing=fr">1</a>' in french
    assert 'outdated: <a href="/admin/news/article/?outdated=fr">1</a>' in french
    assert 'missing: <a href="/admin/news/article/?missing=es">2</a>' in spanish
    assert 'outdated: <a href="/admin/news/article/?outdated=ar">1</a>' in arabic
    # Staff only.
    assert client.get("/admin/translations/").status_code == 302
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_each_translated_field_shows_the_original_text_beside_it(translated):
    translated.body_en = "<p>The <strong>full</strong> story.</p>"
    translated.save()
    client = translator("ar")
    page = client.get(change_url(translated)).text
    beside = 'Original (English): <span lang="en" dir="ltr">{}</span>'
    # Under the Arabic title and body (and the other languages'), not under the English ones.
    assert page.count(beside.format("Botnet dismantled")) == 3
    assert page.count(beside.format("The full story.")) == 3
