"""Opinion groups from a vote matrix, as Pol.is finds them: participants × statements
(1 agree, -1 disagree, 0 pass, missing where not seen), projected on two principal
components (scikit-learn's PCA, missing votes counted as passes), clustered by k-means
for k from 2 to 5; the number of groups kept is the one with the best silhouette score,
and one group only when no clustering reaches a silhouette of 0.15 (nobody is split
into camps that are not there).

For each group and statement: the shares who agree and disagree among its members who
voted on it (with a Laplace +1/+2 so that two votes do not make « 100 % »). A group's
characteristic statements are those on which it differs most from everyone else; the
consensus statements are agreed (or rejected) by at least 60 % in every group; the
divisive ones split the groups most."""

from __future__ import annotations

import numpy as np

MIN_VOTES = 3  # a participant's votes before they count in the groups
MAX_GROUPS = 5
MIN_SILHOUETTE = 0.15
CONSENSUS = 0.6
METHOD = ("PCA (2 composantes) puis k-means (k = 2 à 5, 10 initialisations, graine 0), "
          "k choisi par le score de silhouette (≥ 0,15, sinon un seul groupe) ; "
          "participants ayant voté sur au moins 3 propositions")


def _shares(votes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per statement: (agree share, disagree share, votes) over the rows given."""
    seen = ~np.isnan(votes)
    count = seen.sum(axis=0)
    agree = ((votes == 1) & seen).sum(axis=0)
    disagree = ((votes == -1) & seen).sum(axis=0)
    return (agree + 1) / (count + 2), (disagree + 1) / (count + 2), count


def opinion_groups(matrix: np.ndarray, statement_ids: list[int]) -> dict:
    """The report of a matrix (rows: participants; columns: ``statement_ids``)."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.metrics import silhouette_score

    matrix = np.asarray(matrix, dtype=float)
    active = (~np.isnan(matrix)).sum(axis=1) >= MIN_VOTES if matrix.size else np.zeros(0, bool)
    votes = matrix[active] if matrix.size else matrix
    n = votes.shape[0] if votes.size else 0
    labels = np.zeros(n, dtype=int)
    coords = np.zeros((n, 2))
    silhouette = None
    if n >= 4 and len(statement_ids) >= 2:
        filled = np.nan_to_num(votes, nan=0.0)
        coords = PCA(n_components=2, random_state=0).fit_transform(filled)
        best = (MIN_SILHOUETTE, None)
        distinct = len(np.unique(coords.round(6), axis=0))  # people who voted alike
        for k in range(2, min(MAX_GROUPS, n - 1, distinct) + 1):
            found = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(coords)
            if len(set(found)) < 2:
                continue
            score = float(silhouette_score(coords, found))
            if score > best[0]:
                best = (score, found)
        if best[1] is not None:
            silhouette, labels = best[0], best[1]
    groups = []
    numbers = sorted(set(labels.tolist())) if n else []
    shares = {}
    for g in numbers:
        inside, outside = votes[labels == g], votes[labels != g]
        agree_in, disagree_in, seen_in = _shares(inside)
        shares[g] = (agree_in, disagree_in, seen_in)
        if outside.shape[0]:
            agree_out, disagree_out, _seen = _shares(outside)
        else:
            agree_out = disagree_out = np.full(len(statement_ids), 0.5)
        candidates = []
        for j, statement in enumerate(statement_ids):
            if seen_in[j] < 2:
                continue
            for stance, mine, theirs in (("agree", agree_in[j], agree_out[j]),
                                         ("disagree", disagree_in[j], disagree_out[j])):
                if mine > 0.5 and mine - theirs > 0:
                    candidates.append((mine - theirs, statement, stance, mine, theirs))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        groups.append({"number": len(groups) + 1, "size": int(inside.shape[0]),
                       "statements": [{"id": s, "stance": st, "share": round(float(m), 3),
                                       "others": round(float(o), 3)}
                                      for _d, s, st, m, o in candidates[:4]]})
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
    span = float(np.abs(coords).max()) if n else 1.0
    return {"groups": groups, "consensus": consensus[:8], "divisive": divisive[:8],
            "silhouette": None if silhouette is None else round(silhouette, 3),
            "participants": int(n),
            "points": [[round(float(x) / (span or 1), 3), round(float(y) / (span or 1), 3),
                        int(numbers.index(int(g)) + 1)]
                       for (x, y), g in zip(coords, labels, strict=True)]}
