"""One field for a territory typed by a person (a commune, a département or a région, by
name, number or INSEE code), resolved while the form validates, so that an unknown or
ambiguous territory is reported with every other error of the form (issue 14)."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import StringField, ValidationError


class TerritoryField(StringField):
    """``field.territory``: the territory found, or None (left empty, or not found)."""

    territory = None
    candidates: list = []

    def pre_validate(self, form) -> None:
        from consult.territories.reference import resolve_territory

        self.territory, self.candidates = None, []
        if not (self.data or "").strip():
            return
        territory, candidates = resolve_territory(self.data)
        self.candidates = list(candidates)
        if territory is None:
            raise ValidationError(
                _("Plusieurs territoires correspondent : %(list)s.",
                  list=", ".join(t.label for t in candidates[:5])) if candidates
                else _("Territoire inconnu. Saisissez une commune, un département ou son "
                       "numéro."))
        self.territory = territory

    @property
    def territory_id(self) -> int | None:
        return self.territory.id if self.territory is not None else None
