import datetime

import factory
from django.utils import timezone

from crimes.models import Advice, CrimeArea, CrimeExample
from initiatives.models import Initiative
from news.models import Article


class CrimeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrimeArea

    name_en = factory.Sequence(lambda n: f"Crime area {n}")
    slug = factory.Sequence(lambda n: f"crime-area-{n}")
    summary_en = "What this crime area covers."
    ordering = factory.Sequence(lambda n: n)


class CrimeExampleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrimeExample

    crime_area = factory.SubFactory(CrimeAreaFactory)
    name_en = factory.Sequence(lambda n: f"Example {n}")


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    name_en = factory.Sequence(lambda n: f"Initiative {n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    summary_en = "What this initiative does."
    status = Initiative.Status.OPERATIONAL


class PublishedFactory(factory.django.DjangoModelFactory):
    status = "published"
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    class Meta:
        abstract = True

    class Params:
        draft = factory.Trait(status="draft")
        future = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
        )


class AdviceFactory(PublishedFactory):
    class Meta:
        model = Advice
        skip_postgeneration_save = True

    title_en = factory.Sequence(lambda n: f"Advice {n}")
    slug = factory.Sequence(lambda n: f"advice-{n}")
    summary_en = "Stay safe."

    @factory.post_generation
    def crime_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.crime_areas.set(extracted)


class ArticleFactory(PublishedFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    original_language = "en"
    title_en = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary_en = "What happened."

    class Params:
        french = factory.Trait(
            original_language="fr",
            title_en=None,
            summary_en=None,
            title_fr=factory.Sequence(lambda n: f"Article en français {n}"),
            summary_fr="Ce qui s'est passé.",
        )

    @factory.post_generation
    def crime_areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.crime_areas.set(extracted)

    @factory.post_generation
    def initiatives(self, create, extracted, **kwargs):
        if create and extracted:
            self.initiatives.set(extracted)
