"""Admin widgets made accessible where Django's are not (axe-core, WCAG 2.1 AA): hooked in by
`ContentAdminBase.formfield_for_dbfield` only, so every other form keeps Django's own."""

from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.html import format_html


class LabelledSplitDateTime(AdminSplitDateTime):
    """Django's split date and time inputs with a <label> each ("Date:", "Time:" are plain text
    in Django's widget, so neither input had a name), the pair a group named after the field:
    the field's own <label> cannot point at two inputs (Django ticket #36203)."""

    def __init__(self, attrs=None, label=""):
        super().__init__(attrs)
        self.label = label

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        date, time = context["widget"]["subwidgets"]
        for key, subwidget in (("date_label", date), ("time_label", time)):
            if subwidget["attrs"].get("id"):
                context[key] = format_html(
                    '<label for="{}">{}</label>', subwidget["attrs"]["id"], context[key]
                )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.label:
            return html
        return format_html(
            '<div class="newsroom-datetime" role="group" aria-label="{}">{}</div>',
            self.label,
            html,
        )


def accessible(field):
    """`field` with the widget above in place of Django's split date and time inputs."""
    widget = getattr(field, "widget", None)
    if type(widget) is AdminSplitDateTime:
        field.widget = LabelledSplitDateTime(attrs=widget.attrs, label=field.label or "")
    return field
