"""The in-memory search index: catalog words → the services they describe, and the ranking.

A service's score for a query is the sum, over the query's words, of its best match for that
word: match quality (exact > prefix > typo) × field weight (name > keywords > summary >
category > agency) × rarity of the word (words shared by many services count less) × a small
discount when the word is in another language than the reader's. A little popularity (the
service's yearly applications) breaks ties. Weights are module constants; docs/search.md
explains how to tune them.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from .normalise import text_tokens
from .vocabulary import Vocabulary

FIELD_WEIGHTS = {"name": 1.0, "keywords": 0.8, "summary": 0.35, "category": 0.3, "agency": 0.25}
# A word in a one-word name weighs 1.0, in a four-word name 0.81: "Passport" above
# "Lost passport replacement" for the query "passport".
NAME_LENGTH_DISCOUNT = 0.25
OTHER_LANGUAGE_FACTOR = 0.9
RARITY_FLOOR = 0.5  # the commonest word still counts half as much as the rarest
POPULARITY_WEIGHT = 0.02
MIN_RELATIVE_SCORE = 0.1  # hits scoring below this share of the best one are noise
# A query word matching more than this share of the catalog (and at least this many
# services) is "common": it ranks what the other words found but adds nothing by itself.
COMMON_WORD_SHARE = 0.3
MIN_COMMON_DOCUMENTS = 20
MAX_QUERY_CHARS = 200
MAX_QUERY_TOKENS = 10


@dataclass(frozen=True)
class ServiceDocument:
    """What the index knows of one service: its texts per field and language."""

    code: str
    annual_volume: int
    names: Mapping[str, str]
    texts: list[tuple[str, str, str]] = field(default_factory=list)  # (field, language, text)


def query_tokens(query: str) -> list[str]:
    """The distinct words of a query, bounded so a pasted essay costs no more than a line."""
    tokens = text_tokens(query[:MAX_QUERY_CHARS])
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TOKENS]


class SearchIndex:
    """Immutable once built, so threads share it without locks."""

    def __init__(self, documents: Iterable[ServiceDocument], *, key: Hashable = None) -> None:
        self.key = key
        self.documents = list(documents)
        # word → language → document position → best field weight
        self._postings: dict[str, dict[str, dict[int, float]]] = {}
        self._tokens_of: dict[str, list[str]] = {}  # agency and category names repeat
        for position, document in enumerate(self.documents):
            self._add(position, document)
        del self._tokens_of
        self.vocabulary = Vocabulary(self._postings)
        self._rarity = self._rarities()
        self._popularity = self._popularities()

    def _add(self, position: int, document: ServiceDocument) -> None:
        for field_name, language, text in document.texts:
            tokens = self._tokens_of.get(text)
            if tokens is None:
                tokens = self._tokens_of[text] = text_tokens(text)
            weight = FIELD_WEIGHTS[field_name]
            if field_name == "name" and tokens:
                weight *= 1 - NAME_LENGTH_DISCOUNT + NAME_LENGTH_DISCOUNT / len(tokens)
            for token in tokens:
                postings = self._postings.setdefault(token, {}).setdefault(language, {})
                if weight > postings.get(position, 0.0):
                    postings[position] = weight

    def _rarities(self) -> dict[str, float]:
        count = len(self.documents)
        raw = {}
        for term, by_language in self._postings.items():
            frequency = len(set().union(*by_language.values()))
            raw[term] = math.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
        highest = max(raw.values(), default=1.0) or 1.0
        return {
            term: RARITY_FLOOR + (1 - RARITY_FLOOR) * value / highest for term, value in raw.items()
        }

    def _popularities(self) -> list[float]:
        volumes = [max(document.annual_volume, 0) for document in self.documents]
        scale = math.log1p(max(volumes, default=0)) or 1.0
        return [POPULARITY_WEIGHT * math.log1p(volume) / scale for volume in volumes]

    def search(
        self, *, query: str, language: str, limit: int
    ) -> tuple[int, list[tuple[int, float]]]:
        """(how many services match, the best `limit` as (document position, score))."""
        relevance = self._relevance(query_tokens(query), language)
        if not relevance:
            return 0, []
        threshold = MIN_RELATIVE_SCORE * max(relevance.values())
        scored = [
            (position, score + self._popularity[position])
            for position, score in relevance.items()
            if score >= threshold
        ]
        best = heapq.nlargest(limit, scored, key=lambda item: (item[1], -item[0]))
        return len(scored), best

    def _relevance(self, tokens: list[str], language: str) -> dict[int, float]:
        """Sum of each word's best match per service. A word found in most services ("de",
        "the", "service") only adds to services the other words found, so it cannot flood the
        results; alone, it counts like any word."""
        per_token = [self._token_scores(token, language) for token in tokens]
        common_above = max(COMMON_WORD_SHARE * len(self.documents), MIN_COMMON_DOCUMENTS)
        selective = [scores for scores in per_token if 0 < len(scores) <= common_above]
        relevance: dict[int, float] = {}
        for scores in selective or per_token:
            for position, score in scores.items():
                relevance[position] = relevance.get(position, 0.0) + score
        if selective:
            for scores in per_token:
                if len(scores) > common_above:
                    for position in relevance:
                        relevance[position] += scores.get(position, 0.0)
        return relevance

    def _token_scores(self, token: str, language: str) -> dict[int, float]:
        best: dict[int, float] = {}
        for term, quality in self.vocabulary.expand(token).items():
            for term_language, postings in self._postings[term].items():
                factor = quality * self._rarity[term]
                if term_language != language:
                    factor *= OTHER_LANGUAGE_FACTOR
                for position, weight in postings.items():
                    score = factor * weight
                    if score > best.get(position, 0.0):
                        best[position] = score
        return best
