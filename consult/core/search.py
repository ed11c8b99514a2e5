"""Full-text search a French speaker expects: accents, case and word endings ignored.

PostgreSQL: a ``consult_french`` text-search configuration (the French Snowball stemmer
after ``unaccent``), a generated ``tsvector`` column and a GIN index (migration).
SQLite: an FTS5 table over ``search_text``, words that this module has already
unaccented and stemmed with the same Snowball algorithm (snowballstemmer).
"""

from __future__ import annotations

import threading

import snowballstemmer

from consult.core.text import search_key

STOPWORDS = frozenset((
    "a", "au", "aux", "avec", "ce", "ces", "dans", "de", "des", "du", "elle", "en", "et",
    "eux", "il", "je", "la", "le", "les", "leur", "lui", "ma", "mais", "me", "meme", "mes",
    "moi", "mon", "ne", "nos", "notre", "nous", "on", "ou", "par", "pas", "pour", "qu",
    "que", "qui", "sa", "se", "ses", "son", "sur", "ta", "te", "tes", "toi", "ton", "tu",
    "un", "une", "vos", "votre", "vous", "c", "d", "j", "l", "m", "n", "s", "t", "y", "est",
    "sont", "etre", "ete", "plus", "tres",
))


_local = threading.local()


def _stemmer():
    """One stemmer per thread: PyStemmer's (which snowballstemmer uses when installed)
    keeps internal state and must not be called from two threads at once, and gunicorn's
    gthread workers serve requests on several threads."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("french")
    return stemmer


def search_terms(text: str | None) -> list[str]:
    """« Améliorer l'accueil en préfecture » → ['amelior', 'accueil', 'prefectur']."""
    words = [w for w in search_key(text or "").split() if w not in STOPWORDS]
    return _stemmer().stemWords(words)


def stem_word(word: str) -> str:
    """One word already unaccented (« accueillir » → « accueil »)."""
    return _stemmer().stemWord(word)


def search_text(*parts: str | None) -> str:
    return " ".join(search_terms(" ".join(p or "" for p in parts)))


def fts5_query(text: str) -> str | None:
    """An FTS5 MATCH expression: every term required, as a prefix, safely quoted."""
    terms = search_terms(text)
    if not terms:
        return None
    return " ".join(f'"{term}"*' for term in terms)


def fts5_any_query(text: str) -> str | None:
    """Any of the terms (for « similar ideas »)."""
    terms = [t for t in search_terms(text) if len(t) >= 3]
    if not terms:
        return None
    return " OR ".join(f'"{term}"*' for term in terms[:12])


def holds_every_term(terms: list[str], *parts: str | None) -> bool:
    """Whether the texts hold every stemmed term (as a word prefix): the in-memory match
    for the few rows not indexed (challenges, briefs)."""
    stems = set(search_text(*parts).split())
    return all(any(stem.startswith(term) for stem in stems) for term in terms)
