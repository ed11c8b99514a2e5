"""How alike two French texts are, one measure for the whole site: each text becomes
words without accents, stop words or endings (the French Snowball stemmer, as the
search: « accueils », « accueillir » → « accueil »), weighed by TF-IDF (scikit-learn,
sublinear term frequency), each text a vector of length 1; two texts' similarity is the
cosine of their vectors (0: no word in common, 1: the same words in the same
proportions). The emerging topics and the duplicate candidates of a challenge use it on
all its ideas; the similar ideas shown before proposing use it on the draft and the
ideas that share a word with it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np

from consult.core.search import STOPWORDS, stem_word
from consult.core.text import search_key

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
    "meilleur meilleure nouveau nouvelle nouveaux nouvelles ainsi vraiment deux trois quatre "
    "cinq dix cent mille premier première lequel laquelle lesquels lesquelles").split())

# words of letters, three or more; « rendez-vous », « bien-être » are one word each
_WORD = re.compile(r"[^\W\d_]{3,}(?:-[^\W\d_]+)*")


def words_of(text: str) -> list[str]:
    """The text's meaningful words, lower case, accents kept (for word vectors): three
    letters or more, neither a stop word nor one every idea uses."""
    found = []
    for word in _WORD.findall(text.lower()):
        key = search_key(word.replace("-", ""))
        if key and " " not in key and key not in STOPWORDS and key not in TOPIC_STOPWORDS:
            found.append(word)
    return found


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
                key = search_key(word.replace("-", ""))
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


def vectorise(documents: list[str], min_df: int | None = None, max_df: float | None = None):
    """The TF-IDF matrix (float32, rows of length 1) and its vocabulary."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(documents)
    min_df = min_df if min_df is not None else 3 if n >= 100 else 1
    max_df = max_df if max_df is not None else 0.5 if n >= 20 else 1.0
    vectoriser = TfidfVectorizer(token_pattern=r"\S+", lowercase=False,  # noqa: S106
                                 min_df=min_df, max_df=max_df,
                                 max_features=20_000, sublinear_tf=True, dtype=np.float32)
    matrix = vectoriser.fit_transform(documents)
    return matrix, vectoriser.get_feature_names_out()


def rank_by_similarity(text: str, candidates: list[tuple[int, str]]) -> list[tuple[int, float]]:
    """``candidates`` (id, text) by their similarity to ``text``, most similar first
    (those with no word in common left out)."""
    if not candidates:
        return []
    analyser = Analyser()
    documents = [analyser.document(text)] + [analyser.document(t) for _i, t in candidates]
    if not documents[0]:
        return []
    try:
        matrix, _vocabulary = vectorise(documents, min_df=1, max_df=1.0)
    except ValueError:  # no word at all
        return []
    scores = (matrix[1:] @ matrix[0].T).toarray().ravel()
    order = np.argsort(-scores, kind="stable")
    return [(candidates[i][0], round(float(scores[i]), 4)) for i in order if scores[i] > 0]
