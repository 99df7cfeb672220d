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
    ("status", "offset", "end", "public"),
    [
        ("published", -datetime.timedelta(minutes=1), None, True),
        ("published", datetime.timedelta(0), None, True),
        ("published", datetime.timedelta(minutes=1), None, False),
        ("draft", -datetime.timedelta(minutes=1), None, False),
        ("draft", datetime.timedelta(minutes=1), None, False),
        # An end (`unpublish_at`): public until it comes, the moment itself excluded.
        ("published", -datetime.timedelta(days=1), datetime.timedelta(minutes=1), True),
        ("published", -datetime.timedelta(days=1), datetime.timedelta(0), False),
        ("published", -datetime.timedelta(days=1), -datetime.timedelta(minutes=1), False),
        ("draft", -datetime.timedelta(days=1), datetime.timedelta(minutes=1), False),
    ],
)
@pytest.mark.parametrize(("factory", "model"), [(ArticleFactory, Article), (AdviceFactory, Advice)])
def test_published_is_status_published_date_not_in_future_and_end_not_come(
    factory, model, status, offset, end, public
):
    with time_machine.travel(NOW, tick=False):
        item = factory(
            status=status,
            published_at=NOW + offset,
            unpublish_at=NOW + end if end is not None else None,
        )
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
