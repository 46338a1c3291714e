"""Sentence splitting by rules, shared by translation (segments) and tagging (statements).

Offline and deterministic: argos' own splitters (MiniSBD, Stanza) download models on first use.
A sentence ends at `.`, `!`, `?`, `…` or a CJK terminator (plus closing quotes/brackets) followed
by white space and a character that can start a sentence, unless the word before the dot is a
known abbreviation, a single letter or a number ("3.5", "z.B.", "Dr.", "etc.").
"""

from __future__ import annotations

import re

# Abbreviations that end in a dot without ending a sentence, over the demo's languages and the
# English of company names and months (lower case, without the final dot).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st vs etc e.g i.e approx incl excl dept est fig no nr vol ca
    z.b u.a d.h bzw usw ggf evtl inkl ca vgl sog
    p.ex sra sres srta ud uds dña etc
    mme mlle mm cf env
    sr sra dra ex
    esim mm yms ks jne ns tms
    t.ex bl.a m.m osv dvs s.k
    inc ltd co jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)

_TERMINATORS = ".!?…"
_CJK_TERMINATORS = "\u3002\uff01\uff1f"  # ideographic full stop, fullwidth ! and ?
_CLOSERS = "\"'\u201d\u2019\u00bb)]}"  # quotes, guillemet, brackets
# A boundary candidate: terminators, optional closers, then white space.
_BOUNDARY = re.compile(rf"([{re.escape(_TERMINATORS)}]+[{re.escape(_CLOSERS)}]*)(\s+)")
_CJK_BOUNDARY = re.compile(rf"([{_CJK_TERMINATORS}]+[{re.escape(_CLOSERS)}]*)")
_LAST_WORD = re.compile(r"(\S+)$")


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
