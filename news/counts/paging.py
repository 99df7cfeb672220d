"""The news list's articles as Django's Paginator sees them: their number is known from the
counts, and a deep page is found by walking the counted slices to the month it starts in."""

from .expressions import YEAR
from .reading import month_slices

# Pages deeper than this seek through the counts to their month instead of an OFFSET.
SEEK_FROM = 400


class SeekableArticles:
    """The filtered articles without words: their number comes from the counts, and a deep
    page is found by walking the counted slices (years, then the months of one year) to the
    month it starts in, then an OFFSET within that month only. `fetch(start, stop, before)`
    reads the cards (published before `before`, a datetime, or any time for None)."""

    def __init__(self, counts, query, fetch):
        self.counts = counts
        self.query = query
        self.fetch = fetch

    def count(self):
        return self.counts.total

    def __len__(self):
        return self.counts.total

    def __getitem__(self, key):
        start, stop = key.start or 0, key.stop
        if start < SEEK_FROM:
            return self.fetch(start, stop, None)
        skipped, found = 0, None
        for piece in self.counts.slices:
            if skipped + piece.count > start:
                found = piece
                break
            skipped += piece.count
        if found is None:
            return []
        if found.span == YEAR:
            for month in month_slices(found, self.counts.hidden, self.query):
                if skipped + month.count > start:
                    found = month
                    break
                skipped += month.count
        offset = start - skipped
        # Newest first from the end of the slice: the rows past it run on into older slices.
        return self.fetch(offset, offset + (stop - start), found.end)


class CountedArticles:
    """Articles whose number is already known (the words search's, from its counts), so that
    the paginator does not count them again. `fetch(start, stop)` reads the cards."""

    def __init__(self, total, fetch):
        self.total = total
        self.fetch = fetch

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, key):
        return self.fetch(key.start or 0, key.stop)
