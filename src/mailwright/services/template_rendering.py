"""Rendering message templates: Jinja2 in its sandbox, HTML escaped, every variable required.

Threats and answers:
- Template code is written by global admins, variables come from send keys. The sandbox
  (``jinja2.sandbox``) keeps template code away from Python internals (no ``__class__``,
  no unsafe attributes or calls), so neither a template nor its data reaches the server.
- Variables are data, never code: they are passed to ``render``, never compiled.
- Injection into HTML: the HTML part autoescapes every value (``{{ name }}`` with
  ``<script>`` in it renders ``&lt;script&gt;``); the subject and text part do not need it.
- Size: ``*`` and ``**`` are bounded and output stops at ``MAX_OUTPUT`` characters, so a
  template cannot make a message of gigabytes.
- A missing variable is an error (``StrictUndefined``), not an empty string: a receipt that
  says "Dear ," is a bug worth a 422.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2 import Template as JinjaTemplate
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from mailwright.model.errors import FieldProblem, InvalidInput
from mailwright.model.sending import RenderedMessage, Template

MAX_OUTPUT = 2 * 1024 * 1024
"""Characters one part may render to."""
MAX_REPEAT = 100_000
"""Largest result of ``*`` on strings and lists, and largest ``**`` exponent."""
_CACHE_SIZE = 512
PARTS = ("subject", "text", "html")


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox with ``*`` and ``**`` bounded."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > MAX_REPEAT:
            raise SecurityError(f"exponents above {MAX_REPEAT} are not allowed")
        if operator == "*":
            for sized, count in ((left, right), (right, left)):
                sequence = isinstance(sized, str | list | tuple) and isinstance(count, int)
                if sequence and len(sized) * count > MAX_REPEAT:
                    raise SecurityError(f"results longer than {MAX_REPEAT} are not allowed")
        return super().call_binop(context, operator, left, right)


def _environment(*, html: bool) -> _BoundedSandbox:
    return _BoundedSandbox(
        autoescape=html, undefined=StrictUndefined, keep_trailing_newline=True, cache_size=0
    )


class TemplateRenderer:
    """Compiles template sources (each once per version, cached) and renders them."""

    def __init__(self) -> None:
        self._plain = _environment(html=False)
        self._html = _environment(html=True)
        self._compiled: OrderedDict[tuple[int, str], JinjaTemplate] = OrderedDict()

    def check_syntax(self, subject: str, text: str | None, html: str | None) -> None:
        """Raises: InvalidInput naming every part that does not compile."""
        problems = []
        for part, source in zip(PARTS, (subject, text, html), strict=True):
            if source is None:
                continue
            try:
                self._environment(part).parse(source)
            except TemplateSyntaxError as error:
                problems.append(FieldProblem(part, f"Line {error.lineno}: {error.message}"))
        if problems:
            raise InvalidInput("The template does not compile.", problems)

    def render(self, template: Template, variables: Mapping[str, Any]) -> RenderedMessage:
        """Render every part of ``template``; the subject becomes one line.

        Raises:
            InvalidInput: a variable is missing, or the template failed or was stopped
                (field ``variables``, the message says which template and why).
        """
        subject = self._part(template, "subject", template.subject, variables)
        text = self._part(template, "text", template.text, variables)
        html = self._part(template, "html", template.html, variables)
        return RenderedMessage(" ".join((subject or "").split()), text, html)

    def _environment(self, part: str) -> SandboxedEnvironment:
        return self._html if part == "html" else self._plain

    def _compiled_part(self, template: Template, part: str, source: str) -> JinjaTemplate:
        key = (template.id, part)
        found = self._compiled.get(key)
        if found is None:
            found = self._environment(part).from_string(source)
            self._compiled[key] = found
            if len(self._compiled) > _CACHE_SIZE:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(key)
        return found

    def _part(
        self, template: Template, part: str, source: str | None, variables: Mapping[str, Any]
    ) -> str | None:
        if source is None:
            return None
        where = f"The template {template.name} (version {template.version}), {part}"
        try:
            compiled = self._compiled_part(template, part, source)
            pieces: list[str] = []
            size = 0
            for piece in compiled.generate(dict(variables)):
                size += len(piece)
                if size > MAX_OUTPUT:
                    raise SecurityError(f"it renders to more than {MAX_OUTPUT} characters")
                pieces.append(piece)
        except UndefinedError as error:
            message = f"{where}, uses a variable that was not given: {error.message}"
            raise _problem(message) from None
        except SecurityError as error:
            raise _problem(f"{where}, was stopped: {error}") from None
        except TemplateError as error:
            raise _problem(f"{where}, failed: {error.message}") from None
        except Exception as error:  # template code is input: its failures are the caller's
            raise _problem(f"{where}, failed: {type(error).__name__}: {error}") from None
        return "".join(pieces)


def _problem(message: str) -> InvalidInput:
    return InvalidInput(message, [FieldProblem("variables", message)])
