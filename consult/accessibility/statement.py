"""What the statement page and the footer need from the grid and the configuration."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from consult.accessibility.grid import Assessment, load

LEVELS = {"total": _l("totalement conforme"), "partial": _l("partiellement conforme"),
          "none": _l("non conforme")}
CHECK_KINDS = {"axe": _l("axe-core (automatique)"), "browser": _l("test dans un navigateur"),
               "test": _l("test automatisé"), "manual": _l("vérification manuelle")}
STATUS_LABELS = {"C": _l("Conforme"), "NC": _l("Non conforme"), "NA": _l("Non applicable")}


@dataclass(frozen=True)
class Contact:
    entity: str | None
    email: str | None
    url: str | None
    address: str | None
    plan_url: str | None

    @property
    def reachable(self) -> bool:
        return bool(self.email or self.url or self.address)


def assessment() -> Assessment:
    return load(current_app.config.get("ACCESSIBILITY_GRID"))


def contact() -> Contact:
    config = current_app.config
    return Contact(entity=config.get("ACCESSIBILITY_ENTITY"),
                   email=config.get("ACCESSIBILITY_CONTACT_EMAIL"),
                   url=config.get("ACCESSIBILITY_CONTACT_URL"),
                   address=config.get("ACCESSIBILITY_CONTACT_ADDRESS"),
                   plan_url=config.get("ACCESSIBILITY_PLAN_URL"))


def level_label() -> str:
    """The words the footer and the statement use: « partiellement conforme »…"""
    return str(LEVELS[assessment().level])
