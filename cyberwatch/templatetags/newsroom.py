"""`{% newsroom_dashboard as board %}` for the admin index (templates/admin/index.html)."""

from django import template

from cyberwatch.dashboard import dashboard

register = template.Library()


@register.simple_tag(takes_context=True)
def newsroom_dashboard(context):
    return dashboard(context["request"].user)
