"""Comment text: normalization, the cache key, paragraphs (sentences: cxlink/sentences.py).

Everything here is offline and deterministic.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff\ufffe\uffff]"
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def normalize(text: str | None) -> str:
    """The text that is translated and hashed: NFC, no control characters or lone surrogates,
    runs of spaces collapsed, lines stripped, line breaks kept (they separate paragraphs), and
    leading/trailing blank lines removed."""
    if not text:
        return ""
    text = text.encode("utf-8", "replace").decode("utf-8")  # lone surrogates -> '?'
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def text_hash(normalized: str) -> str:
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def has_letters(text: str) -> bool:
    """True if there is anything to translate (a letter in any script)."""
    return any(ch.isalpha() for ch in text)


def split_paragraphs(text: str) -> list[str]:
    # As argos (ITranslation.split_into_paragraphs): one paragraph per line.
    return text.split("\n")
