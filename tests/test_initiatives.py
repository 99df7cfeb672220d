"""An initiative's parent: the initiatives form a tree, never a loop."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms import modelform_factory

from initiatives.models import Initiative

from .factories import InitiativeFactory

ITSELF = "An initiative cannot be part of itself."
OWN_PART = "An initiative cannot be part of one of its own parts."
LOOP = (
    "The chosen initiative is in a loop of initiatives that are part of each other. "
    "Choose another one, or correct that loop first."
)


@contextmanager
def ends_within(queries):
    """Fail, rather than hang, when the code under test keeps querying: a walk up a loop of
    parents that never stops would otherwise never return."""
    count = 0

    def guard(execute, sql, params, many, context):
        nonlocal count
        count += 1
        if count > queries:
            raise AssertionError(f"more than {queries} queries: the walk up the parents loops")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(guard):
        yield


def parent_errors(initiative):
    with ends_within(50), pytest.raises(ValidationError) as raised:
        initiative.full_clean()
    return raised.value.message_dict["parent"]


@pytest.fixture
def loop(db):
    """A → B → A, already in the data: `.update()` skips clean(), as an import or a race may."""
    a = InitiativeFactory(name_en="A")
    b = InitiativeFactory(name_en="B", parent=a)
    Initiative.objects.filter(pk=a.pk).update(parent=b)
    return Initiative.objects.get(pk=a.pk), Initiative.objects.get(pk=b.pk)


@pytest.mark.django_db
def test_a_part_of_a_part_is_accepted():
    top = InitiativeFactory()
    middle = InitiativeFactory(parent=top)
    part = InitiativeFactory.build(parent=middle)
    with ends_within(50):
        part.full_clean()
    existing = InitiativeFactory(parent=top)
    existing.parent = middle
    with ends_within(50):
        existing.full_clean()


@pytest.mark.django_db
def test_an_initiative_cannot_be_its_own_parent():
    initiative = InitiativeFactory()
    initiative.parent = initiative
    assert parent_errors(initiative) == [ITSELF]


@pytest.mark.django_db
@pytest.mark.parametrize("depth", [1, 3])
def test_an_initiative_cannot_be_part_of_one_of_its_descendants(depth):
    top = InitiativeFactory()
    descendant = top
    for _ in range(depth):
        descendant = InitiativeFactory(parent=descendant)
    top.parent = descendant
    assert parent_errors(top) == [OWN_PART]


@pytest.mark.django_db
def test_a_new_initiative_under_a_loop_ends_and_is_refused(loop):
    a, _b = loop
    assert parent_errors(InitiativeFactory.build(parent=a)) == [LOOP]


@pytest.mark.django_db
def test_an_existing_initiative_moved_under_a_loop_ends_and_is_refused(loop):
    a, _b = loop
    c = InitiativeFactory()
    c.parent = a
    assert parent_errors(c) == [LOOP]


@pytest.mark.django_db
def test_a_member_of_a_loop_keeping_its_parent_is_refused_and_breaking_it_is_accepted(loop):
    a, b = loop
    assert parent_errors(b) == [OWN_PART]
    b.parent = None
    with ends_within(50):
        b.full_clean()


@pytest.mark.django_db
def test_the_editor_sees_the_error_at_the_parent_field(loop):
    a, _b = loop
    form_class = modelform_factory(Initiative, fields=["parent"])
    form = form_class({"parent": a.pk}, instance=InitiativeFactory())
    with ends_within(50):
        assert not form.is_valid()
    assert form.errors == {"parent": [LOOP]}
