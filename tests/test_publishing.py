import datetime

import pytest
import time_machine
from django.utils import timezone

from crimes.models import Advice
from news.models import Article

from .factories import AdviceFactory, ArticleFactory

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "offset", "public"),
    [
        ("published", -datetime.timedelta(minutes=1), True),
        ("published", datetime.timedelta(0), True),
        ("published", datetime.timedelta(minutes=1), False),
        ("draft", -datetime.timedelta(minutes=1), False),
        ("draft", datetime.timedelta(minutes=1), False),
    ],
)
@pytest.mark.parametrize(("factory", "model"), [(ArticleFactory, Article), (AdviceFactory, Advice)])
def test_published_is_status_published_and_date_not_in_future(
    factory, model, status, offset, public
):
    with time_machine.travel(NOW, tick=False):
        item = factory(status=status, published_at=NOW + offset)
        assert (item in model.objects.published()) is public
        assert item.is_published is public


@pytest.mark.django_db
def test_scheduled_article_becomes_public_when_its_time_comes():
    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(published_at=NOW + datetime.timedelta(hours=2))
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(NOW + datetime.timedelta(hours=2, seconds=1), tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.django_db
def test_published_accepts_an_explicit_moment():
    article = ArticleFactory(published_at=timezone.now() + datetime.timedelta(days=3))
    later = timezone.now() + datetime.timedelta(days=4)
    assert list(Article.objects.published(now=later)) == [article]
    assert list(Article.objects.published()) == []
