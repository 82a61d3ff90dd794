"""Expanding one query word into the catalog words it may mean: exact, prefix, or a typo.

Each expansion carries a quality in (0, 1] that the ranking multiplies in, so an exact word
always outweighs a completion, and a completion outweighs a guessed typo.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

EXACT_QUALITY = 1.0
PREFIX_QUALITY = 0.6  # plus up to PREFIX_COVERAGE_QUALITY as the prefix covers more of the word
PREFIX_COVERAGE_QUALITY = 0.2
FUZZY_QUALITY = 0.5  # times the share of the word typed right
KNOWN_WORD_TYPO_FACTOR = 0.5
MIN_PREFIX_LENGTH = 3
MAX_PREFIX_EXPANSIONS = 50
MAX_FUZZY_EXPANSIONS = 10


def allowed_edits(length: int) -> int:
    """Typos forgiven in a word of `length` letters: none below 4 (too many short words lie
    one edit apart), then one, two from 6 letters, three from 10."""
    if length < 4:
        return 0
    if length < 6:
        return 1
    if length < 10:
        return 2
    return 3


class Vocabulary:
    """Every distinct catalog word, kept sorted (for prefixes) and bucketed by length (so a
    typo search compares only words whose length could be within the allowed edits)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._terms = frozenset(terms)
        self._sorted = sorted(self._terms)
        self._by_length: dict[int, list[str]] = {}
        for term in self._sorted:
            self._by_length.setdefault(len(term), []).append(term)

    def __len__(self) -> int:
        return len(self._terms)

    def expand(self, token: str) -> dict[str, float]:
        """Catalog words that `token` may mean, each with its match quality.

        A word that is itself in the catalog is taken as meant: its typo search allows one edit
        only, at half the quality, so a misspelling kept as a keyword ("pasport") still finds
        the other passports while "pension" does not find "passion" (two edits).
        """
        matches: dict[str, float] = {}
        if token in self._terms:
            matches[token] = EXACT_QUALITY
        for term in self._completions(token):
            matches.setdefault(
                term, PREFIX_QUALITY + PREFIX_COVERAGE_QUALITY * len(token) / len(term)
            )
        is_known = token in self._terms
        edits = min(allowed_edits(len(token)), 1) if is_known else allowed_edits(len(token))
        factor = FUZZY_QUALITY * (KNOWN_WORD_TYPO_FACTOR if is_known else 1.0)
        for term, distance in self._near(token, edits):
            matches.setdefault(term, factor * (1 - distance / (len(token) + 1)))
        return matches

    def _completions(self, token: str) -> list[str]:
        if len(token) < MIN_PREFIX_LENGTH:
            return []
        start = bisect.bisect_right(self._sorted, token)
        found = []
        for term in self._sorted[start:]:
            if not term.startswith(token):
                break
            found.append(term)
        found.sort(key=len)  # the shortest completions are the likeliest words being typed
        return found[:MAX_PREFIX_EXPANSIONS]

    def _near(self, token: str, edits: int) -> list[tuple[str, int]]:
        if not edits:
            return []
        candidates: list[str] = []
        for length in range(len(token) - edits, len(token) + edits + 1):
            candidates.extend(self._by_length.get(length, ()))
        found = process.extract(
            token,
            candidates,
            scorer=OSA.distance,
            score_cutoff=edits,
            limit=MAX_FUZZY_EXPANSIONS,
        )
        return [(term, int(distance)) for term, distance, _ in found]
