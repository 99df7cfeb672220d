"""The committed migrations describe the models as they are."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader

OUR_APPS = ("cyberwatch", "crimes", "initiatives", "news")


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    # Raises SystemExit(1) when a model differs from what its migrations build.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


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
