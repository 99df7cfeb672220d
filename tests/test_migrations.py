"""The migrations freeze what they need (`makemigrations --check` runs in `make lint`)."""

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
    call_command("migrate", "news", verbosity=0)  # as `manage.py migrate` runs it
    rollup = apps.get_model("news", "ArticleCountRollup").objects.get(span="Y", period=year)
    assert (rollup.crime_areas, rollup.count, rollup.count_en, rollup.count_fr) == (",1,", 5, 5, 2)
    assert rollup.count_es == rollup.count_ar == 0
    assert (rollup.count_en_fr, rollup.count_en_es, rollup.count_fr_ar) == (2, 0, 0)
