"""The queries of the public crime-area pages, compiled once (core/prepared.py).

Crime areas, their examples and the advice are a handful of rows each: a page reads them
whole, once, and picks what it shows from them."""

from collections import defaultdict

from core.prepared import Prepared, together

from .models import (
    Advice,
    CrimeArea,
    CrimeExample,
    OverviewSection,
    crime_areas_of,
    with_crime_areas,
)

# The news cards' and feed entries' crime areas, for every page and feed that shows them.
__all__ = ["crime_areas_of", "with_crime_areas"]


@Prepared
def crime_areas():
    """Every public crime area, in their order."""
    return CrimeArea.objects.published()


@Prepared
def examples():
    """Every public example of a crime area."""
    return CrimeExample.objects.published()


def crime_area_cards():
    """The public crime areas, each with its examples as `card_examples`."""
    return with_examples(*together(crime_areas.later(), examples.later()))


def with_examples(areas, examples):
    """Give each of `areas` its `examples` (of any crime area) as `card_examples`."""
    by_area = defaultdict(list)
    for example in examples:
        by_area[example.crime_area_id].append(example)
    for area in areas:
        area.card_examples = by_area[area.pk]
    return areas


@Prepared
def advice(now):
    """The public advice, newest first."""
    return Advice.objects.published(now)


@Prepared
def advice_of(now, crime_area_pk):
    return Advice.objects.published(now).filter(crime_areas=crime_area_pk)


@Prepared
def overview():
    """The home page's introduction, in its sections' order."""
    return OverviewSection.objects.published()
