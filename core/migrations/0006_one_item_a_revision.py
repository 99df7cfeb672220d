"""Every revision holds one item: a revision that holds several (the seed content's, which
held all 52 seeded items, or a list page's inline edits) is split into one revision per item,
with the same date, user and comment. A crime area's examples stay with their crime area.
Rolling back one item then restores that item alone."""

import json
from collections import defaultdict

from django.db import migrations
from django.db.models import Count

# The rows a revision follows with their item, frozen here: {(app, model): foreign key}.
FOLLOWED = {("crimes", "crimeexample"): ("crimes", "crimearea", "crime_area")}


def split_shared_revisions(apps, schema_editor):
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    ContentType = apps.get_model("contenttypes", "ContentType")
    followed = {}
    for (app, model), (parent_app, parent_model, key) in FOLLOWED.items():
        child = ContentType.objects.filter(app_label=app, model=model).first()
        parent = ContentType.objects.filter(app_label=parent_app, model=parent_model).first()
        if child is not None and parent is not None:
            followed[child.pk] = (parent.pk, key)

    def owner(version):
        if version.content_type_id in followed:
            parent, key = followed[version.content_type_id]
            try:
                fields = json.loads(version.serialized_data)[0]["fields"]
                return (parent, str(fields[key]))
            except (ValueError, LookupError, TypeError):
                pass
        return (version.content_type_id, version.object_id)

    shared = Revision.objects.annotate(versions=Count("version")).filter(versions__gt=1)
    for revision in shared.iterator():
        groups = defaultdict(list)
        for version in Version.objects.filter(revision=revision).order_by("pk"):
            groups[owner(version)].append(version.pk)
        for pks in list(groups.values())[1:]:
            new = Revision.objects.create(
                date_created=revision.date_created,
                user_id=revision.user_id,
                comment=revision.comment,
            )
            Revision.objects.filter(pk=new.pk).update(date_created=revision.date_created)
            Version.objects.filter(pk__in=pks).update(revision=new)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("cyberwatch", "0005_review_contributions_and_audit_data"),
    ]

    operations = [
        migrations.RunPython(split_shared_revisions, migrations.RunPython.noop, elidable=True),
    ]
