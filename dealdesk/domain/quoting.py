"""Separating what the sender wrote from what they quoted, and HTML from text.

Quoted earlier emails ("On ... wrote:", lines starting with ">", "Original Message" and
forwarded-message blocks, Outlook "From:/Sent:" headers, Gmail's quote blocks in HTML) never count
as their words: our own offer quoted below a reply must not be read as their ask.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from typing import Final

__all__ = ["html_to_text", "looks_like_html", "own_words"]

_I: Final = re.IGNORECASE

_ON_WROTE: Final = re.compile(
    r"^\s*(?:On|Le|Am|El)\b.{0,300}?(?:wrote|a écrit|schrieb|escribió)\s*:\s*$",
    _I | re.DOTALL,
)
_SEPARATORS: Final = re.compile(
    r"^\s*(?:-{2,}\s*(?:Original Message|Forwarded message|Mensaje original)\s*-{2,}|"
    r"Begin forwarded message:|_{10,}|-{10,})\s*$",
    _I,
)
_FORWARD: Final = re.compile(r"forwarded message|begin forwarded", _I)
_HEADER: Final = re.compile(r"^\s*\**(?:From|Sent|Date|To|Cc|Subject|Reply-To)\**\s*:", _I)
_SIGNATURE: Final = re.compile(
    r"^\s*(?:--\s*|Sent from my \w+.*|Get Outlook for .*|Sent from (?:Yahoo|Mail) .*)$",
    _I,
)
_HTML_HINT: Final = re.compile(r"<(?:html|body|div|p|br|span|table|blockquote)\b", _I)


def looks_like_html(text: str) -> bool:
    return bool(_HTML_HINT.search(text))


class _TextExtractor(HTMLParser):
    """Visible text of an HTML email, leaving out quoted blocks, styles and scripts."""

    _BLOCKS: Final = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "table", "ul"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._stack: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = " ".join(v or "" for k, v in attrs if k == "class")
        skipping = tag in {"blockquote", "style", "script", "head", "title"} or (
            "gmail_quote" in classes or "yahoo_quoted" in classes or "moz-cite" in classes
        )
        if tag in {"br", "img", "hr", "meta", "link", "input"}:
            if tag == "br" and not self._skip_depth:
                self.parts.append("\n")
            return
        self._stack.append(skipping)
        if skipping:
            self._skip_depth += 1
        if tag in self._BLOCKS and not self._skip_depth:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"br", "img", "hr", "meta", "link", "input"} or not self._stack:
            return
        if self._stack.pop():
            self._skip_depth -= 1
        if tag in self._BLOCKS and not self._skip_depth:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    text = unescape("".join(parser.parts)).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _strip_forward_headers(lines: list[str]) -> list[str]:
    return [line for line in lines if not _HEADER.match(line) and not line.startswith(">")]


def own_words(text: str) -> tuple[str, bool]:
    """The sender's own words, and whether they came only from a forwarded block.

    When the sender wrote nothing above a forwarded message (a manager forwarding the creator's
    reply), the forwarded body is all there is: it is returned, headers removed, flagged so the
    reader lowers its confidence.
    """
    if looks_like_html(text):
        text = html_to_text(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    own: list[str] = []
    rest: list[str] = []
    for index, line in enumerate(lines):
        two = line + " " + (lines[index + 1] if index + 1 < len(lines) else "")
        outlook = _HEADER.match(line) and line.strip().lower().startswith(("from:", "*from:"))
        outlook_block = outlook and any(
            _HEADER.match(following) for following in lines[index + 1 : index + 5]
        )
        if (
            _SEPARATORS.match(line)
            or _ON_WROTE.match(line)
            or (line.strip().startswith("On ") and _ON_WROTE.match(two))
            or outlook_block
        ):
            rest = lines[index:]
            break
        if _SIGNATURE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        own.append(line)
    body = "\n".join(own).strip()
    if body or not rest or not _FORWARD.search("\n".join(rest[:2])):
        return body, False
    forwarded = _strip_forward_headers(rest[1:])
    inner, _ = own_words("\n".join(forwarded))
    return inner, True
