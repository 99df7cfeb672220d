"""Every content model speaks the same queryset vocabulary, and related items are public ones.
(The import contracts are checked by `make lint`: `lint-imports`.)"""

import pytest
from django.apps import apps

from core.languages import TranslatedContent

from .factories import ArticleFactory, CrimeAreaFactory, InitiativeFactory

CONTENT_APPS = ("crimes", "initiatives", "news")


@pytest.mark.parametrize(
    "model",
    [
        m
        for m in apps.get_models()
        if m._meta.app_label in CONTENT_APPS and issubclass(m, TranslatedContent)
    ],
    ids=lambda m: m.__name__,
)
def test_every_content_model_has_published(model):
    assert callable(model._default_manager.published)


@pytest.mark.django_db
def test_crime_area_and_initiative_pages_list_only_published_related_news(client):
    area = CrimeAreaFactory()
    initiative = InitiativeFactory()
    public = ArticleFactory(crime_areas=[area], initiatives=[initiative])
    draft = ArticleFactory(draft=True, crime_areas=[area], initiatives=[initiative])
    for url in (f"/en/crimes/{area.slug}/", f"/en/initiatives/{initiative.slug}/"):
        html = client.get(url).text
        assert public.title_en in html
        assert draft.title_en not in html
