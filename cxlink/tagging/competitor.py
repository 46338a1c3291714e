"""Competitor scope for the sentiment features: what a statement says about a competitor counts,
for us, with the opposite polarity.

A survey or exit reason is read from our side: "Competitor made a better offer" or "Cheaper
elsewhere" praise someone else and are complaints about us; "Competitors charge twice as much"
is praise of us. Without this, the words' own polarity ("better", "cheaper") made a third of a
telco's exit reasons read as praise (issue 14, item 12).

The scope of a competitor mention ("competitor", "the competition", "a rival", "elsewhere",
"another provider", "my old carrier", ...) is one clause (up to punctuation or a conjunction such
as "but" or "because"):

- after a comparison ("than the competition", "compared to rivals", "unlike other vendors") it
  is empty: the rest of the clause is about us ("Cheaper than the competition" stays positive);
- when the mention ends the clause, introduced by "from", "with", "at", "by" or being
  "elsewhere", it is the words before it ("Better deal elsewhere", "Found a cheaper plan with
  another provider");
- when the mention opens the clause (after "the", "a", "my" ...), the words after it
  ("Competitor had better devices", "The rival network has more coverage");
- elsewhere in the clause, nothing ("Moving over from the old tool went without a hitch").

Rule-based and deliberately narrow: "another" or "other" counts only before a provider-like noun,
so "moved to another city" is no competitor.
"""

from __future__ import annotations

MENTIONS = frozenset(
    "competitor competitors competitor's competitors' competition rival rivals rival's "
    "elsewhere".split()
)
# "<qualifier> <noun>" is a mention: "another provider", "my old carrier", "other vendors".
_QUALIFIERS = frozenset("another other different new old previous former".split())
_NOUNS = frozenset(
    "provider providers carrier carriers operator operators company companies vendor vendors "
    "supplier suppliers network networks firm brand brands tool tools product products".split()
)
# Words that may come before a competitor that is the clause's subject ("The rival network ...").
_DETERMINERS = frozenset("the a an my our one some their its".split())
_COMPARISONS = frozenset("than compared unlike vs versus".split())
_TRAILING = frozenset("from with at by".split())
CLAUSE_END = frozenset(
    ". , ; : ! ? but however although though yet because since while whereas so".split()
)


def _is_mention(tokens: list[str], i: int) -> int:
    """Length of the competitor mention starting at ``tokens[i]`` (0 when there is none)."""
    if tokens[i] in MENTIONS:
        return 1
    if tokens[i] in _QUALIFIERS and i + 1 < len(tokens) and tokens[i + 1] in _NOUNS:
        return 2
    return 0


def competitor_flags(tokens: list[str]) -> list[bool]:
    """For each lower-cased token: is it inside a competitor mention's scope?"""
    flags = [False] * len(tokens)
    start = 0
    for end in [i for i, t in enumerate(tokens) if t in CLAUSE_END] + [len(tokens)]:
        _mark_clause(tokens, start, end, flags)
        start = end + 1
    return flags


def _mark_clause(tokens: list[str], start: int, end: int, flags: list[bool]) -> None:
    i = start
    while i < end:
        length = _is_mention(tokens, i)
        if not length:
            i += 1
            continue
        before = tokens[start:i]
        if _COMPARISONS & set(before):
            pass  # "cheaper than the competition": the clause is about us
        elif tokens[i] == "elsewhere" or (i + length >= end and _TRAILING & set(before[-3:])):
            for k in range(start, i):
                flags[k] = True
        elif set(before) <= _DETERMINERS:
            for k in range(i + length, end):
                flags[k] = True
        # a mention inside the clause ("moving over from the old tool went fine", "it lacks
        # what every competitor has") says nothing about the competitor's side of things
        i += length
