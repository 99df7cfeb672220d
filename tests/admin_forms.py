"""What the admin tests share: an item's change URL, and the version its change form was opened
with, which every save of the form must carry back (cyberwatch/editing.py)."""

import re

from django.urls import reverse

VERSION = re.compile(r'name="version" value="([^"]*)"')


def change_url(item):
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])


def version_in(page):
    """The hidden version field's value in a change form's HTML."""
    return VERSION.search(page).group(1)


def opened_version(client, item):
    """The version of `item`'s change form, as `client`'s browser would get it."""
    return version_in(client.get(change_url(item)).text)
