"""Precomputed counts of public articles: the news list's total, its facets and the seek to a
deep page cost the same at 100 and at 100,000 articles.

What is stored: `ArticleCount` rows, one for each combination of (span, period, languages the
article is available in, its crime areas, its initiatives) that published articles have, with
their number. A span is a calendar month or a calendar year in the site's time zone, so the
counts of any filter combination without words are a sum over a few hundred rows, whatever the
size of the archive: whole years from the year rows, whole months from the month rows, and the
articles of at most two partly covered months (a `date_after`/`date_before` inside a month)
counted directly. `ArticleCountRollup` sums those rows over their languages and initiatives,
per period and set of crime areas, with the number available in each language and in each
pair of languages: the list reads it, about 190 rows, when no initiative is chosen.

Scheduled items: the rows count every article whose status is published, whatever its date.
An article becomes public when `published_at` passes, without any save, so only periods that
have ended are taken as stored; in the current month (and year) the articles still in the
future, and the ended ones, are counted directly and taken off. No cron job.

One responsibility a module:

- `expressions`: the SQL (keys of tag sets, periods, an article's tags in its row and as
  filters);
- `keeping`: keeping the rows right (every change recounts its months, a deleted tag is taken
  out of the keys, `manage.py recount_news [--check]` rebuilds or verifies them);
- `reading`: reading them for a request (`plan`, then `archive_counts` in named steps);
- `paging`: the deep-page seek.
"""

from .expressions import (
    LANGUAGE_COLUMNS,
    MONTH,
    YEAR,
    StoredCrimeAreas,
    aware,
    month_start,
    tag_pks,
    tags_of,
    with_any_crime_area,
)
from .keeping import Recount
from .paging import CountedArticles, SeekableArticles
from .reading import ArchiveCounts, archive_counts

__all__ = [
    "LANGUAGE_COLUMNS",
    "MONTH",
    "YEAR",
    "ArchiveCounts",
    "CountedArticles",
    "Recount",
    "SeekableArticles",
    "StoredCrimeAreas",
    "archive_counts",
    "aware",
    "month_start",
    "tag_pks",
    "tags_of",
    "with_any_crime_area",
]
