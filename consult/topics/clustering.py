"""Emerging topics from the ideas' French text, reproducibly.

Each idea (title and text) becomes words without accents, stop words or endings (the
French Snowball stemmer, as the site's search: « accueils », « accueillir » →
« accueil »), weighed by TF-IDF (scikit-learn; words in more than half the ideas or in
fewer than three are left out); a non-negative matrix factorisation (NMF, seed 0) finds
``k`` topics, each a weighting of the words; an idea belongs to the topic it weighs most
on. A topic is named by its characteristic words (its heaviest, each shown in the
spelling the ideas use most) and shown with its most representative ideas (those that
weigh most on it).

``k`` is the agent's choice, or √(n / 2) rounded, between 2 and 30: 7 topics for 100
ideas, 22 for 1,000, 30 beyond. Too many topics are merged in a click, too few split.

The same ideas with the same parameters give the same topics: the input's fingerprint
(SHA-256 of the ideas' ids and texts), the method and its parameters are kept with
them.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from consult.core.search import STOPWORDS, stem_word
from consult.core.text import search_key

MIN_IDEAS = 10  # fewer ideas are read, not clustered
MAX_TOPICS = 30
WORDS_SHOWN = 8
REPRESENTATIVE = 5
METHOD = "tfidf-nmf"
VERSION = 1  # of this module's processing: part of the parameters kept

# Words every idea uses whatever its subject (beyond the search's stop words)
TOPIC_STOPWORDS = frozenset(search_key(
    "afin ainsi alors aussi autre autres avoir avons beaucoup bien ca ça car cela celle "
    "celles celui ceux cet cette chaque chez comme comment dans depuis deja déjà doit "
    "doivent dont donc encore entre etc faire fait faudrait faut fois font idee idée idées "
    "ils elles leurs lors moins non oui ont parce peu peut peuvent plupart pourquoi "
    "pourrait pourraient pouvoir propose proposer proposition quand quel quelle quelles "
    "quels sans sera serait si sous tant tous tout toute toutes trop vers voir vraiment "
    "mettre permettre place plus mieux notamment souhaite voudrais veux avoir etre être "
    "sommes suis avez été était etaient étaient cas chose choses gens personne personnes "
    "meilleur meilleure nouveau nouvelle nouveaux nouvelles ainsi vraiment").split())

_WORD = re.compile(r"[^\W\d_]{3,}")  # words of letters, three or more


@dataclass
class FoundTopic:
    words: list[str]
    ideas: list[tuple[int, float]]  # (idea id, weight on the topic), heaviest first
    representative: list[int] = field(default_factory=list)


@dataclass
class Topics:
    topics: list[FoundTopic]
    unassigned: list[int]  # ideas with no word kept (too short, only common words)
    method: str
    params: dict
    input_hash: str


def default_k(n: int) -> int:
    return max(2, min(MAX_TOPICS, round(math.sqrt(n / 2))))


def fingerprint(ideas: Iterable[tuple[int, str]]) -> str:
    digest = hashlib.sha256()
    for idea_id, text in ideas:
        digest.update(f"{idea_id}\t{text}\n".encode())
    return digest.hexdigest()


class Analyser:
    """Stems the texts into documents of words, remembering which spelling of each stem
    the ideas use most (to name the topics in words people wrote)."""

    def __init__(self) -> None:
        self._stems: dict[str, str] = {}
        self.spellings: dict[str, Counter] = defaultdict(Counter)

    def document(self, text: str) -> str:
        stems = []
        for word in _WORD.findall(text.lower()):
            stem = self._stems.get(word)
            if stem is None:
                key = search_key(word)
                stem = ("" if not key or " " in key or key in STOPWORDS
                        or key in TOPIC_STOPWORDS else stem_word(key))
                self._stems[word] = stem
            if stem:
                stems.append(stem)
                self.spellings[stem][word] += 1
        return " ".join(stems)

    def spelling(self, stem: str) -> str:
        found = self.spellings.get(stem)
        return found.most_common(1)[0][0] if found else stem


def vectorise(documents: list[str]):
    """The TF-IDF matrix (float32, rows of length 1) and its vocabulary."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(documents)
    vectoriser = TfidfVectorizer(token_pattern=r"\S+", lowercase=False,  # noqa: S106
                                 min_df=3 if n >= 100 else 1, max_df=0.5 if n >= 20 else 1.0,
                                 max_features=20_000, sublinear_tf=True, dtype=np.float32)
    matrix = vectoriser.fit_transform(documents)
    return matrix, vectoriser.get_feature_names_out()


def find_topics(ideas: list[tuple[int, str]], k: int | None = None,
                min_ideas: int = MIN_IDEAS) -> Topics:
    """Topics of ``ideas`` — (id, title and text) — in ``k`` topics (default_k if None)."""
    ideas = sorted(ideas)
    input_hash = fingerprint(ideas)
    analyser = Analyser()
    documents = [analyser.document(text) for _id, text in ideas]
    ids = np.array([idea_id for idea_id, _text in ideas], dtype=np.int64)
    k = max(2, min(MAX_TOPICS, k or default_k(len(ideas))))
    params = {"k": k, "min_df": 3 if len(ideas) >= 100 else 1, "max_df": 0.5,
              "max_features": 20_000, "seed": 0, "version": VERSION}
    if len(ideas) < min_ideas:
        return Topics([], [int(i) for i in ids], METHOD, params, input_hash)
    matrix, vocabulary = vectorise(documents)
    del documents
    weights, components = factorise(matrix, min(k, matrix.shape[1]))
    return _topics(ids, weights, components, vocabulary, analyser, params, input_hash)


def factorise(matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.decomposition import NMF

    model = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=300, tol=1e-4)
    weights = model.fit_transform(matrix).astype(np.float32)
    return weights, model.components_


def _topics(ids, weights, components, vocabulary, analyser, params, input_hash) -> Topics:
    strongest = weights.max(axis=1)
    assigned = weights.argmax(axis=1)
    assigned[strongest <= 0] = -1
    found = []
    for number in range(components.shape[0]):
        members = np.flatnonzero(assigned == number)
        if not members.size:
            continue
        order = members[np.argsort(-weights[members, number], kind="stable")]
        heaviest = np.argsort(-components[number], kind="stable")[:WORDS_SHOWN]
        words = [analyser.spelling(str(vocabulary[w])) for w in heaviest
                 if components[number, w] > 0]
        found.append(FoundTopic(
            words=words,
            ideas=[(int(ids[i]), round(float(weights[i, number]), 5)) for i in order],
            representative=[int(ids[i]) for i in order[:REPRESENTATIVE]]))
    found.sort(key=lambda t: (-len(t.ideas), t.ideas[0][0]))
    return Topics(found, [int(i) for i in ids[assigned == -1]], METHOD, params, input_hash)


def split_in_two(ideas: list[tuple[int, str]]) -> Topics:
    """A topic's ideas in two (the agent's « scinder »), by the same method."""
    return find_topics(ideas, k=2, min_ideas=4)


def describe(params: dict) -> str:
    """The method as it is shown beside its result (French: the method's own record)."""
    return (f"TF-IDF de racines françaises (Snowball, mots vides ôtés, min_df "
            f"{params.get('min_df')}, max_df {params.get('max_df')}) puis NMF "
            f"(k = {params.get('k')}, graine {params.get('seed')}) ; chaque idée va au sujet "
            f"où elle pèse le plus")
