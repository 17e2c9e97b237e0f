"""A reply's words apart from what it quotes: HTML to text, quoted history, signature, forwards.

Only the NEW text of a reply is the influencer's answer; the quoted history carries our own
offers, and reading those as theirs would negotiate against ourselves. Recognised:

- quoted history: an attribution line (``On <date>, <name> wrote:``, also wrapped over two or
  three lines and in a few other languages), lines starting with ``>``, Outlook's
  ``-----Original Message-----`` and its ``From: / Sent:`` header block, and in HTML Gmail's
  ``gmail_quote``, ``<blockquote type="cite">`` and Outlook's reply divider;
- the signature: after a ``-- `` line (or Gmail's ``gmail_signature``), or a trailing mobile
  footer (``Sent from my iPhone``);
- a forward (``---------- Forwarded message ---------``, ``Begin forwarded message:``): its body
  is kept as text, since the person forwarding means it to be read.

Pure functions over strings; ``html.parser`` is lenient and nothing here raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["QUOTE_MARK", "Split", "html_to_text", "split_reply"]

# Put by html_to_text where the HTML starts its quoted history; removed by split_reply.
QUOTE_MARK = "\u2063\u2063dealdesk-quote\u2063\u2063"

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "object"})
# Paragraph-like elements: a blank line around them; other blocks: a line break.
_PARAGRAPH = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"})
_BLOCK = _PARAGRAPH | frozenset(
    {"div", "li", "tr", "ul", "ol", "dl", "dt", "dd", "hr", "section", "article", "header",
     "footer", "center", "address", "form", "fieldset", "caption"}
)  # fmt: skip
_QUOTE_CLASSES = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
_QUOTE_IDS = ("divrplyfwdmsg", "appendonsend", "stopspelling", "mail-editor-reference-message")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.newlines = 2  # line breaks at the end of the output (the start counts as a break)
        self.skipping = 0
        self.pre = 0
        self.quoted = False

    def _emit(self, text: str) -> None:
        self.pieces.append(text)
        stripped = text.rstrip("\n")
        if stripped.strip(" "):
            self.newlines = len(text) - len(stripped)
        else:
            self.newlines += len(text) - len(stripped)

    def _break(self, lines: int) -> None:
        """At least ``lines`` line breaks at the end of the output (a block's edge)."""
        if self.newlines < lines:
            self._emit("\n" * (lines - self.newlines))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
            return
        values = {name.lower(): (value or "") for name, value in attrs}
        classes = values.get("class", "").lower()
        if not self.quoted and (
            any(name in classes for name in _QUOTE_CLASSES)
            or (tag == "blockquote" and values.get("type", "").lower() == "cite")
            or values.get("id", "").lower() in _QUOTE_IDS
        ):
            self.quoted = True
            self._break(1)
            self._emit(f"{QUOTE_MARK}\n")
        if "gmail_signature" in classes:
            self._break(1)
            self._emit("-- \n")
        if tag == "br":
            self._emit("\n")
        elif tag in _BLOCK:
            self._break(2 if tag in _PARAGRAPH else 1)
        if tag == "li":
            self._emit("- ")
        if tag == "pre":
            self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK:
            self._break(2 if tag in _PARAGRAPH else 1)

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        data = data.replace("\xa0", " ")
        if not self.pre:
            data = re.sub(r"\s+", " ", data)
            if self.newlines and not data.strip():
                return  # the whitespace between tags, at the start of a line
        self._emit(data)


def html_to_text(markup: str) -> str:
    """Readable text of an HTML body: scripts and styles dropped, a line break for ``<br>``,
    ``<div>``, ``<li>`` (as ``- item``) and the other blocks, a blank line around ``<p>``."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError, IndexError):  # html.parser on truly broken markup
        pass
    return _tidy("".join(parser.pieces))


def _tidy(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    tidy = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return tidy.strip("\n")


@dataclass(frozen=True)
class Split:
    new: str
    quoted: str
    signature: str | None
    forwarded: bool


_ATTRIBUTION_START = re.compile(r"^(On|Le|Am|El|Il|Em|Op|W dniu)\s", re.IGNORECASE)
_ATTRIBUTION_END = re.compile(
    r"(wrote|writes|a écrit|schrieb|escribió|ha scritto|escreveu|schreef|napisał)\s*:\s*$",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^-{2,}\s*(Original Message|Ursprüngliche Nachricht|Message d'origine|Mensaje original)"
    r"\s*-{2,}$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\*?(From|De|Von|Van|Da)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_SENT = re.compile(
    r"^\*?(Sent|Date|Envoyé|Gesendet|Enviado|Verzonden|Inviato|Datum)\s*:", re.IGNORECASE
)
_FORWARD = re.compile(
    r"^(-{3,}\s*(Forwarded message|Weitergeleitete Nachricht|Message transféré|"
    r"Mensaje reenviado|Mensagem encaminhada)\s*-{3,}|Begin forwarded message:)$",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"^(Sent from my \w.*|Sent from (Outlook|Yahoo Mail|Mail for Windows).*|Get Outlook for .*|"
    r"Sent via .*)$",
    re.IGNORECASE,
)
_UNDERSCORES = re.compile(r"^_{8,}$")


def _attribution_at(lines: list[str], i: int) -> bool:
    line = lines[i].strip()
    if _ATTRIBUTION_START.match(line):
        return any(
            _ATTRIBUTION_END.search(lines[j].strip()) for j in range(i, min(i + 3, len(lines)))
        )
    return bool(re.search(r"\S+@\S+.*\bwrote:\s*$", line))


def _outlook_header_at(lines: list[str], i: int) -> bool:
    if not _HEADER_FROM.match(lines[i].strip()):
        return False
    return any(_HEADER_SENT.match(lines[j].strip()) for j in range(i + 1, min(i + 4, len(lines))))


def _next_text(lines: list[str], i: int) -> str:
    for line in lines[i + 1 :]:
        if line.strip():
            return line.strip()
    return ""


def _header_block_end(lines: list[str], start: int) -> int:
    """The first line after the header lines (From:, Date:, Subject:, To:) that follow line
    ``start``: a forward's own headers are not an Outlook quote."""
    i = start + 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines) and lines[i].strip():
        i += 1
    return i


def _first_cut(lines: list[str], start: int) -> tuple[int, str] | None:
    for i in range(start, len(lines)):
        line = lines[i].strip()
        if line == QUOTE_MARK:
            if not _FORWARD.match(_next_text(lines, i)):
                return i, "mark"
        elif _ORIGINAL.match(line):
            return i, "original"
        elif _attribution_at(lines, i):
            return i, "attribution"
        elif _outlook_header_at(lines, i):
            before = i - 1
            while before >= start and not lines[before].strip():
                before -= 1
            is_rule = before >= start and _UNDERSCORES.match(lines[before].strip())
            return (before if is_rule else i), "outlook"
    return None


def _signature_split(lines: list[str]) -> tuple[list[str], str | None]:
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].rstrip() == "--":
            signature = "\n".join(lines[i + 1 :]).strip("\n")
            return lines[:i], signature or None
    filled = [i for i, line in enumerate(lines) if line.strip()]
    if filled and _FOOTER.match(lines[filled[-1]].strip()):
        return lines[: filled[-1]], lines[filled[-1]].strip()
    return lines, None


def _join(lines: list[str]) -> str:
    return "\n".join(line for line in lines if line.strip() != QUOTE_MARK).strip("\n").rstrip()


def split_reply(text: str, *, forwarded_subject: bool = False) -> Split:
    """Split ``text`` into the new words, the quoted history and the signature.

    ``forwarded_subject`` (the subject starts ``Fwd:``/``FW:``) makes an Outlook header block the
    start of a forward, kept as text, rather than of quoted history.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    forward = next((i for i, line in enumerate(lines) if _FORWARD.match(line.strip())), None)
    if forward is None and forwarded_subject:
        forward = next((i for i in range(len(lines)) if _outlook_header_at(lines, i)), None)
    search_from = 0 if forward is None else _header_block_end(lines, forward)
    cut = _first_cut(lines, search_from)
    head, tail = (lines, []) if cut is None else (lines[: cut[0]], lines[cut[0] :])

    own, kept = (head, []) if forward is None else (head[:forward], head[forward:])
    quoted_lines = [line for line in own if line.lstrip().startswith(">")]
    own = [line for line in own if not line.lstrip().startswith(">")]
    own, signature = _signature_split(own)
    new = _join(own + kept)
    quoted = _join(quoted_lines + tail)
    if not new and cut is not None and cut[1] == "attribution":
        # Answered below or between the quoted lines: their words are the unquoted ones.
        end = next((j for j in range(min(3, len(tail))) if _ATTRIBUTION_END.search(tail[j])), 0)
        new = _join([line for line in tail[end + 1 :] if not line.lstrip().startswith(">")])
        own, signature = _signature_split(new.split("\n"))
        new = _join(own)
    return Split(new=new, quoted=quoted, signature=signature, forwarded=forward is not None)
