import pytest


@pytest.fixture
def seeded(db):
    from django.core.management import call_command

    call_command("seed_content", verbosity=0)
