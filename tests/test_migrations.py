"""The migrations freeze what they need (`makemigrations --check` runs in `make lint`)."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

OUR_APPS = ("cyberwatch", "crimes", "initiatives", "news")


@pytest.mark.django_db
def test_migrations_freeze_no_mixin_by_import_path():
    """Mixins that add fields or save() behaviour are abstract models, which the migrations
    leave out: a plain class frozen into `bases` would tie old migrations to today's code."""
    state = MigrationLoader(connection).project_state()
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        bases = state.models[model._meta.app_label, model._meta.model_name].bases
        assert bases == (models.Model,), (model.__name__, bases)


@pytest.mark.django_db(transaction=True)
def test_the_roll_up_migration_fills_it_from_the_counts_already_stored():
    """news 0011 rolls up the counts a database already has (a historical model's registry
    may be an older state's: the migration passes its own roll-up model), and 0012 adds the
    pairs of languages to it."""
    import datetime

    from django.db.migrations.executor import MigrationExecutor

    before = [("news", "0010_alter_article_unpublish_at_article_article_ends_idx")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("news", "ArticleCount")
    flags = {"in_en": True, "in_fr": False, "in_es": False, "in_ar": False}
    year = datetime.date(2015, 1, 1)
    old.objects.create(span="Y", period=year, crime_areas=",1,", initiatives="", count=3, **flags)
    old.objects.create(
        span="Y",
        period=year,
        crime_areas=",1,",
        initiatives=",2,",
        count=2,
        **{**flags, "in_fr": True},
    )
    # Up to 0012: 0016 counts the articles again (there are none here).
    after = ("news", "0012_article_count_rollup_language_pairs")
    call_command("migrate", *after, verbosity=0)  # as `manage.py migrate` runs it
    rollup_model = executor.loader.project_state([after]).apps.get_model(
        "news", "ArticleCountRollup"
    )
    rollup = rollup_model.objects.get(span="Y", period=year)
    assert (rollup.crime_areas, rollup.count, rollup.count_en, rollup.count_fr) == (",1,", 5, 5, 2)
    assert rollup.count_es == rollup.count_ar == 0
    assert (rollup.count_en_fr, rollup.count_en_es, rollup.count_fr_ar) == (2, 0, 0)
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_database_seeded_before_gets_the_seed_as_the_source_gives_it():
    """news 0016-0017 and initiatives 0005 on rows seeded the old way: the summaries written
    for the site go and the headline alone keeps the article available, same-day items take
    the source's order, and the initiatives lose the opening the source does not state.
    What an editor changed stays exactly as they left it."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.db.migrations.executor import MigrationExecutor

    from initiatives.models import Initiative
    from news.models import Article, ArticleCountRollup

    seeded = import_module("news.migrations.0017_seed_news_as_the_source_gives_it")
    initiatives = import_module("initiatives.migrations.0005_seed_initiatives_as_the_source_says")
    before = [
        ("news", "0014_article_published_at_chosen"),
        ("initiatives", "0004_initiative_outdated_languages"),
    ]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    state = executor.loader.project_state(before).apps
    old_article = state.get_model("news", "Article")
    old_initiative = state.get_model("initiatives", "Initiative")

    def noon(day):
        return datetime.datetime.combine(
            day, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE)
        )

    def seed_article(slug, day, **fields):
        language, summary = seeded.INVENTED_SUMMARIES[slug]
        values = {
            "slug": slug,
            "status": "published",
            "published_at": noon(day),
            "published_at_chosen": True,
            "original_language": language,
            f"title_{language}": f"Headline {slug}",
            f"summary_{language}": summary,
        }
        return old_article.objects.create(**{**values, **fields})

    april = datetime.date(2015, 4, 13)
    inauguration = seed_article(
        "le-complexe-mondial-interpol-pour-l-innovation-inaugure-devant-une-assistance", april
    )
    simda = seed_article(
        "interpol-coordonne-une-operation-mondiale-visant-a-mettre-le-botnet-simda-hors",
        april,
        # A translator's English title, translated from the French text.
        title_en="INTERPOL coordinates global operation to take down Simda botnet",
    )
    edited = seed_article(
        "interpol-europe-meeting-develops-regional-collaboration-against-transnational",
        datetime.date(2015, 5, 21),
        summary_en="An editor's own summary.",
    )
    september = datetime.date(2014, 9, 30)
    trend_micro = seed_article(
        "interpol-and-trend-micro-reinforce-cooperation-in-combating-cybercrime", september
    )
    kaspersky = seed_article(  # an editor chose its time: kept
        "interpol-strengthens-cooperation-with-kaspersky-lab-in-global-fight-against",
        september,
        published_at=noon(september) + datetime.timedelta(hours=3),
    )

    def seed_initiative(slug, parent=None, **fields):
        old = initiatives.SEEDED[slug]
        values = {
            "status": old["status"],
            "opened_on": datetime.date.fromisoformat(old["opened_on"]),
            **{f"summary_{code}": text for code, text in old["summary"].items()},
            **{f"body_{code}": text for code, text in old["body"].items()},
            "name_en": slug,
        }
        return old_initiative.objects.create(slug=slug, parent=parent, **{**values, **fields})

    igci = seed_initiative("igci", body_fr="<p>Le texte d’une rédactrice.</p>")
    dcc = seed_initiative("digital-crime-centre", parent=igci, status="planned")

    call_command("migrate", verbosity=0)  # as `manage.py migrate` runs it

    article = {a.slug: a for a in Article.objects.all()}
    inauguration, simda = article[inauguration.slug], article[simda.slug]
    assert (inauguration.summary_fr, simda.summary_fr) == ("", "")
    assert inauguration.available_languages == ["fr"]  # the headline alone
    assert inauguration.available_fr and not inauguration.available_en
    assert simda.available_languages == ["en", "fr"]
    assert simda.outdated == ["en"]  # translated from a text that is gone
    assert simda.title_en.startswith("INTERPOL coordinates")
    assert article[edited.slug].summary_en == "An editor's own summary."
    assert article[trend_micro.slug].summary_en == ""
    # The source lists the inauguration before Simda, Trend Micro before Kaspersky Lab.
    assert inauguration.published_at == noon(april)
    assert simda.published_at == noon(april) - datetime.timedelta(minutes=1)
    assert article[trend_micro.slug].published_at == noon(september) - datetime.timedelta(minutes=1)
    assert article[kaspersky.slug].published_at == noon(september) + datetime.timedelta(hours=3)
    assert [a.slug for a in Article.objects.published().filter(published_at__date=april)] == [
        inauguration.slug,
        simda.slug,
    ]
    rollup = ArticleCountRollup.objects.get(span="Y", period=datetime.date(2015, 1, 1))
    assert (rollup.count, rollup.count_fr, rollup.count_en, rollup.count_en_fr) == (3, 2, 2, 1)

    igci, dcc = Initiative.objects.get(slug="igci"), Initiative.objects.get(pk=dcc.pk)
    corrected = initiatives.CORRECTED["igci"]
    assert (igci.status, igci.opened_on) == ("under_construction", None)
    assert igci.body_en == corrected["body"]["en"]
    assert igci.summary_ar == corrected["summary"]["ar"]
    assert igci.body_fr == "<p>Le texte d’une rédactrice.</p>"  # the editor's, outdated now
    assert igci.outdated == ["fr"]
    # The status an editor chose stays, with the opening date it goes with; the texts change.
    assert (dcc.status, dcc.opened_on) == ("planned", datetime.date(2015, 4, 13))
    assert dcc.body_es == initiatives.CORRECTED["digital-crime-centre"]["body"]["es"]
    assert dcc.outdated == []
