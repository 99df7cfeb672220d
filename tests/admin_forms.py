"""What the admin tests share: an item's change URL, and the version its change form was opened
with, which every save of the form must carry back (core/editing.py)."""

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


def posted(client, url, **changes):
    """What the browser posts from the change form at `url` (a change, roll-back or recovery
    page), with `changes`: the values the form shows, its version included; disabled fields,
    which the browser leaves out, left out."""
    from django import forms
    from django.utils import timezone

    page = client.get(url)
    assert page.status_code == 200, page.status_code
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled or name in ("image", "keep_current_image"):
            continue
        value = form.initial.get(name, field.initial)
        if callable(value):
            value = value()
        if name in ("published_at", "unpublish_at"):
            if value:
                local = timezone.localtime(value)
                data[f"{name}_0"] = local.strftime("%Y-%m-%d")
                data[f"{name}_1"] = local.strftime("%H:%M:%S")
            continue
        if isinstance(field, forms.ModelMultipleChoiceField):
            data[name] = [getattr(item, "pk", item) for item in value or []]
            continue
        data[name] = "" if value is None else getattr(value, "pk", value)
    match = VERSION.search(page.text)
    if match:
        data["version"] = match.group(1)
    data.update(changes)
    return data
