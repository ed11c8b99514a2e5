"""Opinion groups from the votes, as Pol.is finds them: participants × statements
(1 agree, -1 disagree, 0 pass or not seen), projected on two principal components
(scikit-learn's PCA on a sparse matrix: 5,000,000 votes never become a dense
participants × statements array), clustered by k-means for k from 2 to 5; the number
of groups kept is the one with the best silhouette score (measured on a fixed sample of
5,000 people beyond that size), and one group only when no clustering reaches a
silhouette of 0.15 (nobody is split into camps that are not there).

For each group and statement: the shares who agree and disagree among its members who
voted on it (with a Laplace +1/+2 so that two votes do not make « 100 % »), counted in
one pass over the votes. A group's characteristic statements are those on which it
differs most from everyone else; the consensus statements are agreed (or rejected) by
at least 60 % in every group; the divisive ones split the groups most."""

from __future__ import annotations

import numpy as np

MIN_VOTES = 3  # a participant's votes before they count in the groups
MAX_GROUPS = 5
MIN_SILHOUETTE = 0.15
SILHOUETTE_SAMPLE = 5_000  # the silhouette is quadratic in the people it measures
MAP_POINTS = 2_000  # the map shows at most this many people, a fixed sample
CONSENSUS = 0.6
METHOD = ("PCA (2 composantes) puis k-means (k de 2 à 5, graine 0) ; k choisi par la "
          "silhouette (≥ 0,15 sur 5 000 personnes au plus, sinon un groupe) ; votants d'au "
          "moins 3 propositions")


def opinion_groups(matrix: np.ndarray, statement_ids: list[int]) -> dict:
    """The report of a dense matrix (rows: participants; columns: ``statement_ids``;
    NaN where a person did not vote): small cases and tests."""
    matrix = np.asarray(matrix, dtype=float).reshape(-1, len(statement_ids))
    people, columns = np.nonzero(~np.isnan(matrix))
    return groups_from_votes(people, columns, matrix[people, columns], statement_ids)


def groups_from_votes(people: np.ndarray, columns: np.ndarray, values: np.ndarray,
                      statement_ids: list[int]) -> dict:
    """The report of the votes as three arrays: the person's row (0…n-1), the
    statement's column in ``statement_ids``, the value (1, -1, 0)."""
    from scipy import sparse

    people = np.asarray(people, dtype=np.int32)  # 5M votes: 20 MB an array, not 40
    columns = np.asarray(columns, dtype=np.int32)
    values = np.asarray(values, dtype=np.int8)
    m = len(statement_ids)
    counts = np.bincount(people, minlength=int(people.max()) + 1 if people.size else 0)
    active = counts >= MIN_VOTES
    row_of = (np.cumsum(active) - 1).astype(np.int32)  # old row → row among the active
    keep = active[people] if people.size else np.zeros(0, bool)
    people, columns, values = row_of[people[keep]], columns[keep], values[keep]
    n = int(active.sum())
    labels = np.zeros(n, dtype=np.int64)
    coords = np.zeros((n, 2))
    silhouette = None
    if n >= 4 and m >= 2:
        matrix = sparse.csr_matrix((values.astype(np.float32), (people, columns)),
                                   shape=(n, m))
        coords = _project(matrix)
        silhouette, found = _cluster(coords)
        if found is not None:
            labels = np.unique(found, return_inverse=True)[1].astype(np.int64)
    numbers = sorted(set(labels.tolist())) if n else []
    g_count = len(numbers)
    # per (group, statement): votes seen, agreed, disagreed — one bincount each
    cell = labels.astype(np.int32)[people] * m + columns if n else np.zeros(0, np.int32)
    size = g_count * m
    seen = np.bincount(cell, minlength=size).reshape(g_count, m) if g_count else \
        np.zeros((0, m))
    agreed = np.bincount(cell[values == 1], minlength=size).reshape(g_count, m) \
        if g_count else np.zeros((0, m))
    disagreed = np.bincount(cell[values == -1], minlength=size).reshape(g_count, m) \
        if g_count else np.zeros((0, m))
    groups, shares = [], {}
    for g in numbers:
        agree_in = (agreed[g] + 1) / (seen[g] + 2)
        disagree_in = (disagreed[g] + 1) / (seen[g] + 2)
        shares[g] = (agree_in, disagree_in, seen[g])
        if g_count > 1:
            seen_out = seen.sum(axis=0) - seen[g]
            agree_out = (agreed.sum(axis=0) - agreed[g] + 1) / (seen_out + 2)
            disagree_out = (disagreed.sum(axis=0) - disagreed[g] + 1) / (seen_out + 2)
        else:
            agree_out = disagree_out = np.full(m, 0.5)
        candidates = []
        for j in np.flatnonzero(seen[g] >= 2):
            for stance, mine, theirs in (("agree", agree_in[j], agree_out[j]),
                                         ("disagree", disagree_in[j], disagree_out[j])):
                if mine > 0.5 and mine - theirs > 0:
                    candidates.append((float(mine - theirs), statement_ids[j], stance,
                                       float(mine), float(theirs)))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        groups.append({"number": len(groups) + 1, "size": int((labels == g).sum()),
                       "statements": [{"id": s, "stance": st, "share": round(mi, 3),
                                       "others": round(o, 3)}
                                      for _d, s, st, mi, o in candidates[:4]]})
    consensus, divisive = [], []
    for j, statement in enumerate(statement_ids):
        if not numbers or any(shares[g][2][j] < 2 for g in numbers):
            continue
        agrees = [float(shares[g][0][j]) for g in numbers]
        disagrees = [float(shares[g][1][j]) for g in numbers]
        if min(agrees) >= CONSENSUS:
            consensus.append({"id": statement, "stance": "agree",
                              "share": round(min(agrees), 3)})
        elif min(disagrees) >= CONSENSUS:
            consensus.append({"id": statement, "stance": "disagree",
                              "share": round(min(disagrees), 3)})
        if len(numbers) > 1 and max(agrees) - min(agrees) >= 0.3:
            divisive.append({"id": statement, "spread": round(max(agrees) - min(agrees), 3),
                             "shares": [round(a, 3) for a in agrees]})
    consensus.sort(key=lambda c: (-c["share"], c["id"]))
    divisive.sort(key=lambda d: (-d["spread"], d["id"]))
    return {"groups": groups, "consensus": consensus[:8], "divisive": divisive[:8],
            "silhouette": None if silhouette is None else round(silhouette, 3),
            "participants": n, "points": _map(coords, labels, numbers),
            "points_sampled": n > MAP_POINTS}


def _project(matrix) -> np.ndarray:
    """Two principal components of a sparse matrix (centred implicitly by scikit-learn:
    never densified)."""
    from sklearn.decomposition import PCA

    if min(matrix.shape) <= 2:  # ARPACK needs more columns than components
        return PCA(n_components=min(2, *matrix.shape), random_state=0).fit_transform(
            matrix.toarray())
    coords = PCA(n_components=2, svd_solver="arpack", random_state=0).fit_transform(matrix)
    # ARPACK's signs are arbitrary: orient each axis so that reruns draw the same map
    signs = np.sign(coords[np.abs(coords).argmax(axis=0), [0, 1]])
    return coords * np.where(signs == 0, 1, signs)


def _cluster(coords: np.ndarray) -> tuple[float | None, np.ndarray | None]:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = coords.shape[0]
    best: tuple[float, np.ndarray | None] = (MIN_SILHOUETTE, None)
    distinct = len(np.unique(coords.round(6), axis=0))  # people who voted alike
    for k in range(2, min(MAX_GROUPS, n - 1, distinct) + 1):
        found = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(coords)
        if len(set(found)) < 2:
            continue
        score = float(silhouette_score(
            coords, found, sample_size=SILHOUETTE_SAMPLE if n > SILHOUETTE_SAMPLE else None,
            random_state=0))
        if score > best[0]:
            best = (score, found)
    return (best[0], best[1]) if best[1] is not None else (None, None)


def _map(coords: np.ndarray, labels: np.ndarray, numbers: list[int]) -> list[list]:
    """The people on the map, scaled to [-1, 1]: everybody, or a fixed sample."""
    n = coords.shape[0]
    if not n:
        return []
    chosen = np.arange(n) if n <= MAP_POINTS else np.sort(
        np.random.default_rng(0).choice(n, MAP_POINTS, replace=False))
    span = float(np.abs(coords).max()) or 1.0
    letter = {g: i + 1 for i, g in enumerate(numbers)}
    return [[round(float(coords[i, 0]) / span, 3), round(float(coords[i, 1]) / span, 3),
             letter[int(labels[i])]] for i in chosen]
