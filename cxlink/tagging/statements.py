"""Split a comment into statements: sentences, list items, and clauses joined by "but"/"and"
where the join separates two opinions.

Rule-based and linear in the length of the text (no model, nothing downloaded). A clause split
needs both sides to read as a clause of their own: at least three words each, and for "and" the
right side must start with a new subject ("and the support team is ..."), so that lists such as
"fast, reliable and cheap" and shared subjects ("answered quickly and solved it") stay whole.
"""

from __future__ import annotations

import re
import unicodedata

from cxlink.sentences import split_sentences

# A statement needs at least one letter; emoji-only or punctuation-only pieces are dropped.
_HAS_LETTER = re.compile(r"[^\W\d_]")
# Statements longer than this are cut at word boundaries so one runaway comment (a pasted log,
# a letter without punctuation) cannot produce a megabyte-long row.
MAX_STATEMENT_CHARS = 600

# Besides sentence ends (cxlink/sentences.py), a line break or a semicolon ends a statement.
_STATEMENT_BREAK = re.compile(r"\s*;\s+")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013\u2014>]+|\d{1,2}[.)])\s+")

_SUBJECTS = (
    r"i|we|you|they|it|he|she|this|that|these|those|there|the|our|my|your|their|its|"
    r"everything|nothing|everyone|nobody|someone|support|pricing|onboarding|billing"
)
# ", but X" / " but X" / "; however X": contrast joins always separate opinions when both sides
# are clauses.
_BUT = re.compile(r"\s*,?\s+\b(?:but|however|although|though|yet)\b,?\s+", re.IGNORECASE)
# ", and <subject>" / " and <subject>": a new subject after "and" starts a new clause.
_AND = re.compile(rf"\s*,?\s+\band\s+(?=(?:{_SUBJECTS})\b)", re.IGNORECASE)
# "Great product, but awful support" splits (two words a side suffice after a contrast);
# "and" needs three words and a verb on each side: "the UI is great and the support is quick".
_BUT_MIN_WORDS = 2
_AND_MIN_WORDS = 3
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|can|could|will|would|"
    r"should|may|might|must|feels?|felt|seems?|seemed|works?|worked|keeps?|kept|takes?|took|"
    r"gets?|got|makes?|made|needs?|needed|looks?|looked|loves?|loved|likes?|liked|hates?|"
    r"hated|helps?|helped|wants?|wanted|goes|went|comes?|came|costs?|crash(?:es|ed)?|fails?|"
    r"failed|answered|responded|solved|fixed|broke|lost|love|like|hate|want|need|"
    r"\w+n't)\b|'(?:s|re|ve|m|ll|d)\b",
    re.IGNORECASE,
)


def normalize(text: str) -> str:
    """NFKC, straight quotes and apostrophes, no control characters, single spaces per line."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(
        {
            0x2018: "'",
            0x2019: "'",
            0x201B: "'",
            0x2032: "'",
            0x201C: '"',
            0x201D: '"',
            0x00A0: " ",
            0x200B: None,
            0xFEFF: None,
        }
    )
    text = "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def _words(text: str) -> int:
    return sum(1 for word in text.split() if _HAS_LETTER.search(word))


def _is_clause(text: str, min_words: int, needs_verb: bool) -> bool:
    return _words(text) >= min_words and (not needs_verb or bool(_VERB.search(text)))


def _split_clauses(
    sentence: str, joiner: re.Pattern[str], min_words: int, needs_verb: bool
) -> list[str]:
    pieces: list[str] = []
    rest = sentence
    while True:
        for m in joiner.finditer(rest):
            left, right = rest[: m.start()], rest[m.end() :]
            if _is_clause(left, min_words, needs_verb) and _is_clause(right, min_words, needs_verb):
                pieces.append(left)
                rest = right
                break
        else:
            pieces.append(rest)
            return pieces


def _cut_long(statement: str) -> list[str]:
    if len(statement) <= MAX_STATEMENT_CHARS:
        return [statement]
    out, current = [], ""
    for word in statement.split(" "):
        while len(word) > MAX_STATEMENT_CHARS:  # one enormous "word" (a URL, a hash)
            if current:
                out.append(current)
                current = ""
            out.append(word[:MAX_STATEMENT_CHARS])
            word = word[MAX_STATEMENT_CHARS:]
        if current and len(current) + 1 + len(word) > MAX_STATEMENT_CHARS:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        out.append(current)
    return out


def _tidy(piece: str) -> str:
    piece = _BULLET.sub("", piece).strip(" \t,;:-")
    if piece and piece[0].islower() and piece[0].isalpha():
        piece = piece[0].upper() + piece[1:]
    return piece


def split_statements(text: str | None) -> list[str]:
    """The statements of a comment, in order. Empty for empty or letter-free text."""
    if not text:
        return []
    text = normalize(text)
    if not text:
        return []
    statements: list[str] = []
    sentences = (
        part
        for line in text.split("\n")
        for sentence in split_sentences(line)
        for part in _STATEMENT_BREAK.split(sentence)
    )
    for sentence in sentences:
        sentence = _tidy(sentence)
        if not sentence:
            continue
        for contrast in _split_clauses(sentence, _BUT, _BUT_MIN_WORDS, needs_verb=False):
            for clause in _split_clauses(contrast, _AND, _AND_MIN_WORDS, needs_verb=True):
                clause = _tidy(clause)
                if not _HAS_LETTER.search(clause):
                    continue
                statements.extend(_cut_long(clause))
    return statements
