"""Changes that do not go through `Article.save()` or the article queryset, and still change the
precomputed counts (news/counts/): a deleted article, a change of its crime areas or
initiatives from either side, a deleted crime area or initiative. None of them counts the
whole archive again: a deleted or cleared tag is taken out of the stored keys."""

from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from crimes.models import CrimeArea
from initiatives.models import Initiative

from .counts import Recount
from .counts.keeping import without_tag
from .models import Article


@receiver(post_delete, sender=Article)
def article_deleted(sender, instance, **kwargs):
    Recount.mark([instance.published_at])


@receiver(m2m_changed, sender=Article.crime_areas.through)
@receiver(m2m_changed, sender=Article.initiatives.through)
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        Recount.mark([instance.published_at])
    elif pk_set:
        Recount.mark(Article._base_manager.filter(pk__in=pk_set).datetimes("published_at", "month"))
    else:  # a crime area or initiative cleared of all its articles
        without_tag(_column(sender), instance.pk)


@receiver(post_delete, sender=CrimeArea)
@receiver(post_delete, sender=Initiative)
def tag_deleted(sender, instance, **kwargs):
    # Its links to articles went with it, without a signal.
    without_tag("crime_areas" if sender is CrimeArea else "initiatives", instance.pk)


def _column(through):
    return "crime_areas" if through is Article.crime_areas.through else "initiatives"
