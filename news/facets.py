"""Counts beside the news list: articles per year, per language and per crime area in the
current filter set, each with the query string that applies it. A constant number of queries."""

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import ExtractYear

from cyberwatch.languages import available_in_q

from .models import Article


def _applying(params, **changes):
    query = params.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return "?" + query.urlencode()


def news_facets(articles, params, crime_areas):
    """`articles`: the filtered queryset; `params`: the request's GET parameters;
    `crime_areas`: every crime area, already fetched."""
    articles = articles.order_by()
    years = (
        articles.annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(count=Count("pk"))
        .order_by("-year")
    )
    language_counts = articles.aggregate(
        **{
            code: Count("pk", filter=available_in_q(Article, code))
            for code, _n in settings.LANGUAGES
        }
    )
    area_counts = dict(
        Article.crime_areas.through.objects.filter(article__in=articles.values("pk"))
        .values_list("crimearea_id")
        .annotate(count=Count("article_id"))
    )
    chosen_areas = set(params.getlist("category"))
    return {
        "years": [
            {
                "year": row["year"],
                "count": row["count"],
                "query": _applying(params, year=str(row["year"]), month=None),
                "active": params.get("year") == str(row["year"]),
            }
            for row in years
        ],
        "languages": [
            {
                "code": code,
                "name": name,
                "count": language_counts[code],
                "query": _applying(params, language=code),
                "active": params.get("language") == code,
            }
            for code, name in settings.LANGUAGES
        ],
        "crime_areas": [
            {
                "crime_area": area,
                "count": area_counts.get(area.pk, 0),
                "query": _applying(params, category=area.slug),
                "active": area.slug in chosen_areas,
            }
            for area in crime_areas
        ],
    }
