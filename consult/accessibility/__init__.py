"""Accessibility: the RGAA self-assessment kept in this folder and what it computes.

The statement (/accessibilite) is written from ``rgaa-4.1.toml``, not claimed: each of
the 106 criteria has a status for the page sample and how it was checked, and the
conformity rate is the RGAA's own formula over that grid. A deployment that had its own
audit points ``CONSULT_ACCESSIBILITY_GRID`` to its grid; it names itself and its contact
through ``CONSULT_ACCESSIBILITY_*`` (see ``config.py``).
"""


def init_app(app) -> None:
    """The footer's « Accessibilité : … » is the level the grid computes."""
    from consult.accessibility.statement import level_label

    app.jinja_env.globals["accessibility_level"] = level_label
