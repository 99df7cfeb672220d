"""Bulk publish and unpublish, for publishers: each item through the same rules as a save of
its form (a draft dated now unless someone chose a date, a submitted draft's review closed),
each its own revision and its own entry in the audit log."""

import reversion
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import notifications
from .. import review as reviews
from ..history import comment
from ..models import AuditEntry
from ..publishing import Publishable
from ..roles import may


class PublicationActions:
    actions = ["publish_selected", "unpublish_selected"]

    def has_publish_permission(self, request):
        return reviews.reviewed(self.model) and may(request.user, "publish", self.model)

    def has_unpublish_permission(self, request):
        return reviews.reviewed(self.model) and may(request.user, "unpublish", self.model)

    @admin.action(description=_("Publish the selected items"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        done = self._each(request, queryset, self._publish)
        self.message_user(
            request,
            ngettext("%(count)d item published.", "%(count)d items published.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.INFO,
        )

    @admin.action(description=_("Unpublish the selected items"), permissions=["unpublish"])
    def unpublish_selected(self, request, queryset):
        done = self._each(request, queryset, self._unpublish)
        self.message_user(
            request,
            ngettext("%(count)d item unpublished.", "%(count)d items unpublished.", done)
            % {"count": done},
            messages.SUCCESS if done else messages.INFO,
        )

    def _each(self, request, queryset, change):
        done = 0
        with transaction.atomic():
            for item in queryset.select_for_update().order_by("pk"):
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    if change(request, item):
                        done += 1
        return done

    def _publish(self, request, item):
        if item.status == Publishable.Status.PUBLISHED:
            return False
        item.publish()
        reversion.set_comment(comment({"publication": {"action": "publish"}}))
        item.save()
        scheduled = item.is_scheduled
        AuditEntry.record(
            AuditEntry.Action.SCHEDULE if scheduled else AuditEntry.Action.PUBLISH,
            request.user,
            item,
            moment=item.published_at,
            bulk=True,
        )
        review = reviews.closed_by_publisher(item, request.user)
        if review is not None:
            notifications.decided(request, review, request.user)
        return True

    def _unpublish(self, request, item):
        if item.status != Publishable.Status.PUBLISHED:
            return False
        item.status = Publishable.Status.DRAFT
        reversion.set_comment(comment({"publication": {"action": "unpublish"}}))
        item.save()
        AuditEntry.record(AuditEntry.Action.UNPUBLISH, request.user, item, bulk=True)
        return True
