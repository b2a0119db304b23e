"""A readable text/plain rendering of an HTML mail body (for the text part of messages that
come with HTML only: RFC 2046 5.1.4 multipart/alternative wants the plainest form first, and
spam filters and text-only readers look for it).

Rules: paragraphs, headings, list items, table rows and ``<br>`` become line breaks; list
items get "- " (or "1. " in ordered lists); links keep their target as "text (url)" unless the
text is the target already; images show their alt text; ``<script>``, ``<style>``, ``<head>``
and ``<template>`` are dropped; whitespace folds as a browser would, except in ``<pre>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl",
        "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "tbody", "thead", "tfoot", "tr", "ul", "li",
    }
)  # fmt: skip
_PARAGRAPHS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr", "dl"}
)
_HIDDEN = frozenset({"script", "style", "head", "template", "title", "noscript"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_BLANK_RUNS = re.compile(r"\n{3,}")


class _TextWriter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._hidden = 0
        self._pre = 0
        self._lists: list[list[int]] = []  # per open list: [next number] or [] (unordered)
        self._links: list[tuple[str, int]] = []  # (href, position in out) of open links
        self._cell = False

    def _break(self, blank: bool = False) -> None:
        """End the line (``blank``: and leave an empty one), unless that is done already."""
        have = 0
        for piece in reversed(self.out):
            stripped = piece.rstrip("\n")
            have += len(piece) - len(stripped)
            if stripped:
                break
        else:
            return  # nothing written yet: no break at the top
        self.out.append("\n" * max((2 if blank else 1) - have, 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            if tag not in _VOID:
                self._hidden += 1
            return
        if self._hidden:
            return
        values = {name: value or "" for name, value in attrs}
        if tag in _BLOCKS:
            self._break(self._separates(tag, enclosing=len(self._lists)))
        match tag:
            case "br":
                self.out.append("\n")
            case "hr":
                self.out.append("----")
                self._break(True)
            case "pre":
                self._pre += 1
            case "ul":
                self._lists.append([])
            case "ol":
                self._lists.append([1])
            case "li":
                self._list_item()
            case "td" | "th":
                if self._cell:
                    self.out.append("  ")
                self._cell = True
            case "tr":
                self._cell = False
            case "a":
                self._links.append((values.get("href", "").strip(), len(self.out)))
            case "img":
                alt = " ".join(values.get("alt", "").split())
                if alt:
                    self.out.append(f"[{alt}]")

    def _list_item(self) -> None:
        current = self._lists[-1] if self._lists else []
        indent = "  " * max(len(self._lists) - 1, 0)
        if current:
            self.out.append(f"{indent}{current[0]}. ")
            current[0] += 1
        else:
            self.out.append(f"{indent}- ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
            return
        if self._hidden:
            return
        blank = self._separates(tag, enclosing=len(self._lists) - 1)
        match tag:
            case "pre":
                self._pre = max(self._pre - 1, 0)
            case "ul" | "ol":
                if self._lists:
                    self._lists.pop()
            case "a":
                self._close_link()
        if tag in _BLOCKS:
            self._break(blank)

    @staticmethod
    def _separates(tag: str, *, enclosing: int) -> bool:
        """Whether ``tag`` stands apart by an empty line (lists inside lists do not)."""
        if tag in ("ul", "ol"):
            return enclosing <= 0
        return tag in _PARAGRAPHS

    def _close_link(self) -> None:
        if not self._links:
            return
        href, start = self._links.pop()
        text = " ".join("".join(self.out[start:]).split())
        target = href.removeprefix("mailto:")
        if not href or href.startswith(("#", "javascript:")) or target in (text, ""):
            return
        self.out.append(f" ({target})" if text else target)

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._pre:
            self.out.append(data)
            return
        text = _SPACE.sub(" ", data)
        if not self.out or self.out[-1].endswith(("\n", " ")):
            text = text.lstrip(" ")
        if text:
            self.out.append(text)


def html_to_text(html: str) -> str:
    """The text a reader of ``html`` sees, with link targets kept."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    lines = [line.rstrip() for line in "".join(writer.out).split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n") + "\n"
