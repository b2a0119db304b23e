"""Rendering templates in the sandbox."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailwright.model.errors import InvalidInput
from mailwright.model.sending import Template
from mailwright.services.template_rendering import TemplateRenderer


def template(subject: str = "Hi", text: str | None = None, html: str | None = None) -> Template:
    return Template(1, "t", 1, subject, text, html, datetime(2026, 1, 5, tzinfo=UTC), "tester")


def test_subject_is_one_line_and_html_is_escaped() -> None:
    """Line breaks from variables fold into the subject; HTML escapes values."""
    rendered = TemplateRenderer().render(
        template("Hi {{ name }}", "Dear {{ name }}", "<p>{{ name }}</p>"),
        {"name": "A\nB <i>"},
    )
    assert rendered.subject == "Hi A B <i>"
    assert rendered.text == "Dear A\nB <i>"
    assert rendered.html == "<p>A\nB &lt;i&gt;</p>"


@pytest.mark.parametrize(
    "source",
    [
        "{{ x.__class__ }}",
        "{{ x.__init__.__globals__ }}",
        "{{ [].__class__.__base__.__subclasses__() }}",
        "{{ 'a' * 200000 }}",
        "{{ 2 ** 1000000 }}",
        "{% for i in range(30) %}{{ 'x' * 99999 }}{% endfor %}",
    ],
)
def test_the_sandbox_stops_escapes_and_floods(source: str) -> None:
    """Internals are out of reach and output is bounded; each failure is InvalidInput."""
    with pytest.raises(InvalidInput) as caught:
        TemplateRenderer().render(template(text=source), {"x": "value"})
    assert caught.value.problems[0].field == "variables"
