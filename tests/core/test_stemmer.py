"""The search uses the C Snowball stemmer (PyStemmer, 33 times faster: it made seeding
200,000 ideas take a minute instead of ten); it must stem exactly as the pure-Python
Snowball that indexed older databases."""

import gzip
import re
from pathlib import Path

import pytest
import snowballstemmer
from snowballstemmer.french_stemmer import FrenchStemmer

from consult.core.search import _stemmer, search_terms

pytestmark = pytest.mark.dbless  # no database: runs once, on SQLite

ROOT = Path(__file__).resolve().parents[2]


def french_words() -> set[str]:
    words = set()
    for path in ROOT.glob("consult/territories/data/*.csv.gz"):
        with gzip.open(path, "rt") as data:
            words |= set(re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", data.read().lower()))
    catalogue = (ROOT / "consult/translations/messages.pot").read_text(encoding="utf-8")
    return words | set(re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", catalogue.lower()))


def test_the_c_stemmer_is_used_and_agrees_with_the_python_one():
    assert type(_stemmer()).__module__ == "Stemmer"  # PyStemmer, not the Python fallback
    python = FrenchStemmer()
    words = sorted(french_words())
    assert len(words) > 20_000
    assert _stemmer().stemWords(words) == [python.stemWord(w) for w in words]
    assert snowballstemmer.stemmer("french").stemWord("préfectures") == "préfectur"
    assert search_terms("Améliorer l'accueil en préfecture") == ["amelior", "accueil",
                                                                  "prefectur"]
