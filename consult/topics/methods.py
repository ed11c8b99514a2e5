"""The emerging topics' methods as pages, forms and exports name them: their names,
limits and descriptions, and the fingerprint of an input — without the computation
(``topics.clustering``, which loads NumPy: 15 MB a web worker never needs to serve a page
or count a vote)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

MIN_IDEAS = 10  # fewer ideas are read, not clustered
MAX_TOPICS = 30
WORDS_SHOWN = 8
REPRESENTATIVE = 5
METHOD = "tfidf-nmf"
VECTORS = "vectors-kmeans"
METHODS = (VECTORS, METHOD)
DEFAULT_METHOD = VECTORS


def fingerprint(ideas: Iterable[tuple[int, str]]) -> str:
    digest = hashlib.sha256()
    for idea_id, text in ideas:
        digest.update(f"{idea_id}\t{text}\n".encode())
    return digest.hexdigest()


def describe(params: dict) -> str:
    """The method as it is shown beside its result (French: the method's own record)."""
    if params.get("model"):
        grouping = (f"Vecteurs de mots du modèle {params['model']} (moyenne des mots de "
                    f"chaque idée, mots vides ôtés) puis k-means (k = {params.get('k')}, "
                    f"graine {params.get('seed')}) ; sujets nommés par leurs racines "
                    f"caractéristiques (TF-IDF, min_df {params.get('min_df')}, max_df "
                    f"{params.get('max_df')})")
    else:
        grouping = (f"TF-IDF de racines françaises (Snowball, mots vides ôtés, min_df "
                    f"{params.get('min_df')}, max_df {params.get('max_df')}) puis NMF "
                    f"(k = {params.get('k')}, graine {params.get('seed')}) ; chaque idée va "
                    f"au sujet où elle pèse le plus")
    return (grouping
            + (f" ; doublons possibles : similarité cosinus ≥ "
               f"{str(params['duplicates']['similarity']).replace('.', ',')} dans un même "
               f"sujet, {params['duplicates']['neighbours']} paires par idée au plus"
               if params.get("duplicates") else ""))
