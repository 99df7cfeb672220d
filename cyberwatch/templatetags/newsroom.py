"""`{% newsroom_dashboard as board %}` for the admin index (templates/admin/index.html), and
`|revision_comment` for the history pages."""

from django import template

from core.history import describe_comment
from cyberwatch.dashboard import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_dashboard(context):
    return dashboard(context["request"].user)


@register.filter
def revision_comment(text):
    """A revision's comment in the reader's language (core/history.py)."""
    return describe_comment(text)
