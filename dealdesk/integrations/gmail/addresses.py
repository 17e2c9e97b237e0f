"""Email addresses, normalised once at the edge.

Everything past this module compares bare, lower-cased addresses: the peer system compared
``"Name <addr>"`` with ``addr`` and read every reply as a stranger's. Display names are kept
apart (``display_name``) for the people who read them. Header values may still carry RFC 2047
encoded words (``=?UTF-8?B?...?=``); ``decode_words`` decodes them and never raises.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import quopri
import re
from email.utils import getaddresses, parseaddr

from dealdesk.errors import InvalidInput

__all__ = ["addresses_in", "decode_words", "display_name", "normalize_address"]

_MAX_HEADER = 20_000
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"\?=\s+=\?")


def _decoded_word(match: re.Match[str]) -> str:
    charset, encoding, text = match.group(1).split("*")[0], match.group(2), match.group(3)
    try:
        if encoding in "bB":
            data = base64.b64decode(text + "=" * (-len(text) % 4))
        else:
            data = quopri.decodestring(text.encode("ascii"), header=True)
        codecs.lookup(charset)
        return data.decode(charset, errors="replace")
    except (LookupError, ValueError, UnicodeError, binascii.Error):
        return match.group(0)


def decode_words(value: str) -> str:
    """A header value with its RFC 2047 encoded words decoded, each on its own (a value may mix
    them with raw text); a broken word (unknown charset, bad base64) is left as written: a
    header never stops a message from being read."""
    if "=?" not in value:
        return value
    joined = _BETWEEN_WORDS.sub("?==?", value)  # whitespace between encoded words is not text
    return _ENCODED_WORD.sub(_decoded_word, joined)


def _bare(addr: str) -> str | None:
    addr = addr.strip().strip("<>").strip().lower()
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in addr):
        return None
    return addr


def normalize_address(value: str) -> str:
    """``"Ana <Ana@X.com>"`` → ``"ana@x.com"``; a bare address is lower-cased.

    Raises ``InvalidInput`` when the value holds no address.
    """
    _name, addr = parseaddr(value[:_MAX_HEADER])
    bare = _bare(addr)
    if bare is None:
        raise InvalidInput(f"no email address in {value[:80]!r}")
    return bare


def addresses_in(header_value: str | None) -> tuple[str, ...]:
    """The normalised addresses of a To/Cc/Reply-To list, in order, each once; what is not an
    address (a group name, ``undisclosed-recipients:;``) is skipped."""
    if not header_value:
        return ()
    found: list[str] = []
    for _name, addr in getaddresses([header_value[:_MAX_HEADER]]):
        bare = _bare(addr)
        if bare is not None and bare not in found:
            found.append(bare)
    return tuple(found)


def display_name(value: str | None) -> str | None:
    """The display name of a From value (``"Ana Lima"``), or None when there is none."""
    if not value:
        return None
    # Parsed first, decoded after: a decoded name may hold a comma or brackets.
    name, _addr = parseaddr(value[:_MAX_HEADER])
    name = " ".join(decode_words(name).split()).strip('"').strip()
    return name or None
