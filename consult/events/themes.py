"""The shared list of themes events are about (one list for every organiser, so that a
programme's agenda can be filtered by theme across hundreds of partners), and the
accessibility information as people read it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

THEMES = {
    "relation_usagers": _l("Accueil et relation aux usagers"),
    "simplification": _l("Simplification des démarches"),
    "numerique": _l("Numérique et inclusion numérique"),
    "donnees": _l("Données et transparence"),
    "design": _l("Design des politiques publiques"),
    "participation": _l("Participation citoyenne"),
    "transition": _l("Transition écologique"),
    "solidarites": _l("Solidarités et santé"),
    "emploi": _l("Emploi et formation"),
    "education": _l("Éducation et jeunesse"),
    "mobilite": _l("Mobilités et territoires"),
    "management": _l("Management et transformation publique"),
}


def theme_label(code: str) -> str:
    return str(THEMES.get(code, code))


def theme_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in THEMES.items()]


def accessibility_labels(event) -> list[str]:
    labels = []
    if event.step_free:
        labels.append(str(_l("Accès de plain-pied ou ascenseur")))
    if event.sign_language:
        labels.append(str(_l("Interprétation en langue des signes")))
    if event.easy_read:
        labels.append(str(_l("Supports en français facile à lire et à comprendre (FALC)")))
    return labels
