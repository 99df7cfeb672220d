"""`makemessages` that also reads the public site's Jinja2 templates (templates/jinja2/*.jinja).

Django's own command reads Django templates through `templatize()`, which knows only Django's
tags. A `.jinja` file is read by Jinja2's own parser instead (`extract_translations`: the
`_()`, `gettext()` and `ngettext()` calls), and handed to xgettext as the same calls in Python,
each on the line it came from. Run as before (`make messages`); `.jinja` is among the
extensions by default.
"""

import os

from django.core.management.commands import makemessages
from jinja2 import Environment

JINJA2_EXTENSION = ".jinja"


def jinja2_as_python(source):
    """The translatable strings of a Jinja2 template, as Python calls xgettext can read."""
    lines = [""] * (source.count("\n") + 1)
    environment = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    for lineno, function, message in environment.extract_translations(source):
        strings = message if isinstance(message, tuple) else (message,)
        if function == "ngettext":
            singular, plural = strings[:2]
            call = f"ngettext({singular!r}, {plural!r}, 1)"
        else:
            call = f"gettext({strings[0]!r})"
        lines[lineno - 1] += call + "; "
    return "\n".join(lines)


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if os.path.splitext(self.path)[1] != JINJA2_EXTENSION:
            return super().preprocess()
        with open(self.path, encoding="utf-8") as source:
            content = jinja2_as_python(source.read())
        with open(self.work_path, "w", encoding="utf-8") as work:
            work.write(content)


class Command(makemessages.Command):
    build_file_class = BuildFile

    def handle(self, *args, **options):
        if not options.get("extensions"):
            options["extensions"] = ["html", "txt", "py", JINJA2_EXTENSION.lstrip(".")]
        return super().handle(*args, **options)
