"""Comment text: normalization, the cache key, and a rule-based sentence splitter.

Everything here is offline and deterministic. argos' own splitters (MiniSBD, Stanza) download
models on first use, so sentences are split by rules: a sentence ends at `.`, `!`, `?`, `…` or
a CJK terminator (plus closing quotes/brackets) followed by white space and a character that
can start a sentence, unless the word before the dot is a known abbreviation, a single letter
or a number ("3.5", "z.B.", "Dr.", "etc.").
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# Abbreviations that end in a dot without ending a sentence, over the demo's languages
# (lower case, without the final dot).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st vs etc e.g i.e approx incl excl dept est fig no nr vol ca
    z.b u.a d.h bzw usw ggf evtl inkl ca vgl sog
    p.ex sra sres srta ud uds dña etc
    mme mlle mm cf env
    sr sra dra ex
    esim mm yms ks jne ns tms
    t.ex bl.a m.m osv dvs s.k
    """.split()
)

_TERMINATORS = ".!?…"
_CJK_TERMINATORS = "\u3002\uff01\uff1f"  # ideographic full stop, fullwidth ! and ?
_CLOSERS = "\"'\u201d\u2019\u00bb)]}"  # quotes, guillemet, brackets
# A boundary candidate: terminators, optional closers, then white space.
_BOUNDARY = re.compile(rf"([{re.escape(_TERMINATORS)}]+[{re.escape(_CLOSERS)}]*)(\s+)")
_CJK_BOUNDARY = re.compile(rf"([{_CJK_TERMINATORS}]+[{re.escape(_CLOSERS)}]*)")
_LAST_WORD = re.compile(r"(\S+)$")
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


def _ends_with_abbreviation(chunk: str) -> bool:
    match = _LAST_WORD.search(chunk)
    if not match:
        return False
    word = match.group(1).rstrip(_TERMINATORS + _CLOSERS).lstrip("\"'\u201c\u2018\u00ab([{")
    lower = word.lower()
    if lower in ABBREVIATIONS:
        return True
    # single letters ("J. Smith") and ordinals / numbered items ("3. Platz")
    return (len(word) == 1 and word.isalpha()) or word.isdigit()


def _can_start_sentence(ch: str) -> bool:
    return not ch.islower()


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph (one line), stripped, in order; [] for a blank paragraph."""
    paragraph = paragraph.strip()
    if not paragraph:
        return []
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end(1)
        nxt = paragraph[match.end() : match.end() + 1]
        if not nxt or not _can_start_sentence(nxt):
            continue
        chunk = paragraph[start:end]
        if (
            match.group(1).startswith(".")
            and len(match.group(1)) == 1
            and _ends_with_abbreviation(chunk)
        ):
            continue
        pieces.append(chunk)
        start = match.end()
    pieces.append(paragraph[start:])
    sentences: list[str] = []
    for piece in pieces:
        # CJK terminators need no following space.
        last = 0
        for match in _CJK_BOUNDARY.finditer(piece):
            if match.end() < len(piece):
                sentences.append(piece[last : match.end()])
                last = match.end()
        sentences.append(piece[last:])
    return [s.strip() for s in sentences if s.strip()]
