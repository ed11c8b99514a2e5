"""The System Usability Scale (Brooke, 1986), in the French wording of the F-SUS
(Gronier & Baudet, 2021): ten statements on a 1–5 agreement scale. A person's score is
2.5 × (Σ odd items − 1 + Σ 5 − even items), 0 to 100; the mean score of a version is
computed from each item's mean, which the tallies hold (the score is linear)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

PURPOSE = "sus"
LABEL = _l("Utilisabilité (échelle SUS)")
LOW_LABEL = _l("Pas du tout d’accord")
HIGH_LABEL = _l("Tout à fait d’accord")
STATEMENTS = (
    _l("Je pense que j’aimerais utiliser ce service fréquemment."),
    _l("J’ai trouvé ce service inutilement complexe."),
    _l("J’ai trouvé ce service facile à utiliser."),
    _l("Je pense que j’aurais besoin de l’aide d’une personne technique pour être capable "
       "d’utiliser ce service."),
    _l("J’ai trouvé que les différentes fonctions de ce service étaient bien intégrées."),
    _l("J’ai trouvé qu’il y avait trop d’incohérences dans ce service."),
    _l("J’imagine que la plupart des gens seraient capables d’apprendre à utiliser ce "
       "service très rapidement."),
    _l("J’ai trouvé ce service très lourd à utiliser."),
    _l("Je me suis senti·e très en confiance en utilisant ce service."),
    _l("J’ai eu besoin d’apprendre beaucoup de choses avant de pouvoir utiliser ce service."),
)


def score(item_means: list[float]) -> float:
    """The mean SUS score from the mean of each of the ten items, in order."""
    if len(item_means) != len(STATEMENTS):
        raise ValueError("the SUS has ten items")
    total = sum((m - 1) if i % 2 == 0 else (5 - m) for i, m in enumerate(item_means))
    return round(total * 2.5, 1)


def grade(value: float) -> str:
    """Bangor, Kortum & Miller (2009)'s adjectives, the usual reading of a score."""
    for threshold, words in ((85, _l("excellent")), (72, _l("bon")), (52, _l("correct")),
                             (38, _l("médiocre"))):
        if value >= threshold:
            return str(words)
    return str(_l("inacceptable"))
