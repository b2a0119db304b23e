"""The text part made from an HTML body."""

from __future__ import annotations

import pytest

from mailwright.protocols.mime.html_text import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hello   <b>world</b></p>", "Hello world\n"),
        ("<h1>Title</h1><p>One</p><p>Two</p>", "Title\n\nOne\n\nTwo\n"),
        ('<a href="https://x.test/a?b=1">Confirm</a>', "Confirm (https://x.test/a?b=1)\n"),
        ('<a href="https://x.test/">https://x.test/</a>', "https://x.test/\n"),
        ('<a href="mailto:help@x.test">help@x.test</a>', "help@x.test\n"),
        ('<a href="#top">Top</a> <a href="javascript:x()">no</a>', "Top no\n"),
        ("<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", "- a\n- b\n  - c\n"),
        ("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b\n"),
        ("a<br>b<br><br>c", "a\nb\n\nc\n"),
        (
            "<table><tr><td>Item</td><td>3.00</td></tr><tr><td>Tax</td><td>0.30</td></tr></table>",
            "Item  3.00\nTax  0.30\n",
        ),
        ('<img src="logo.png" alt="ACME  logo">', "[ACME logo]\n"),
        (
            "<head><title>T</title><style>p{}</style></head><script>x()</script><p>Body</p>",
            "Body\n",
        ),
        ("<pre>  keep\n    this</pre>", "  keep\n    this\n"),
        ("Fish &amp; chips &lt;3 &eacute;", "Fish & chips <3 é\n"),
        ("<p>unclosed <b>tags", "unclosed tags\n"),
    ],
)
def test_html_becomes_readable_text(html: str, text: str) -> None:
    """Blocks break lines, links keep their targets, hidden parts disappear."""
    assert html_to_text(html) == text
