"""The counts as migrations 0003, 0011 and 0012 made them, frozen here: they run on the
historical models they are given, and the live code (news/counts/) owes them nothing."""

from collections import Counter, defaultdict

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

LANGUAGES = ("en", "fr", "es", "ar")


def _key(pks):
    return f",{','.join(str(pk) for pk in sorted(pks))}," if pks else ""


def _tags(through, column, article_pks):
    tags = defaultdict(list)
    for article_pk, tag_pk in through.objects.filter(article_id__in=article_pks).values_list(
        "article_id", column
    ):
        tags[article_pk].append(tag_pk)
    return tags


def rebuild(article_model, count_model, batch=20_000):
    """Every published article counted into month and year rows."""
    count_model.objects.all().delete()
    counter = Counter()
    pks = list(article_model._base_manager.filter(status="published").values_list("pk", flat=True))
    for start in range(0, len(pks), batch):
        chunk = pks[start : start + batch]
        areas = _tags(article_model.crime_areas.through, "crimearea_id", chunk)
        initiatives = _tags(article_model.initiatives.through, "initiative_id", chunk)
        rows = article_model._base_manager.filter(pk__in=chunk).values_list(
            "pk", "published_at", *(f"available_{code}" for code in LANGUAGES)
        )
        for pk, published_at, *available in rows:
            month = timezone.localtime(published_at).date().replace(day=1)
            key = (tuple(available), _key(areas.get(pk, ())), _key(initiatives.get(pk, ())))
            counter[("M", month, *key)] += 1
            counter[("Y", month.replace(month=1), *key)] += 1
    count_model.objects.bulk_create(
        [
            count_model(
                span=span,
                period=period,
                **{f"in_{code}": flag for code, flag in zip(LANGUAGES, flags, strict=True)},
                crime_areas=areas,
                initiatives=tags,
                count=number,
            )
            for (span, period, flags, areas, tags), number in counter.items()
        ],
        batch_size=2000,
    )


def roll_up(count_model, rollup_model):
    """The roll-up of every stored row, with the columns `rollup_model` has (0011 has one a
    language, 0012 adds one a pair of languages)."""
    known = {field.name for field in rollup_model._meta.fields}
    columns = [name for name in known if name.startswith("count_")]
    rows = (
        count_model.objects.values_list("span", "period", "crime_areas")
        .annotate(
            number=Sum("count"),
            **{
                name: Coalesce(
                    Sum(
                        "count",
                        filter=Q(
                            **{f"in_{code}": True for code in name.removeprefix("count_").split("_")}
                        ),
                    ),
                    0,
                )
                for name in columns
            },
        )
        .order_by()
    )
    rollup_model.objects.all().delete()
    rollup_model.objects.bulk_create(
        [
            rollup_model(
                span=span, period=period, crime_areas=areas, count=number,
                **dict(zip(columns, values, strict=True)),
            )
            for span, period, areas, number, *values in rows
        ],
        batch_size=2000,
    )
