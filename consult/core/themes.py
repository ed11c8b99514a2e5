"""The two themes on the same templates. Component macros take their classes from this
table, so pages are written once: ``neutral`` (default, no State identity) and ``dsfr``
(the State design system, reserved to State services: see .dsfr.yml)."""

from __future__ import annotations

THEMES = {
    "neutral": {
        "btn_primary": "c-btn c-btn--primary", "btn_secondary": "c-btn c-btn--secondary",
        "btn_danger": "c-btn c-btn--danger", "btn_small": "c-btn--small",
        "alert": "c-alert c-alert--{kind}", "alert_title": "c-alert__title",
        "badge": "c-badge c-badge--{kind}", "input": "c-input", "select": "c-input",
        "field": "c-field",
        "field_error": "c-field--error", "label": "c-field__label", "hint": "c-field__hint",
        "error": "c-field__error", "stylesheets": ["css/neutral.css"], "script": None,
    },
    "dsfr": {
        "btn_primary": "fr-btn", "btn_secondary": "fr-btn fr-btn--secondary",
        "btn_danger": "fr-btn fr-btn--tertiary", "btn_small": "fr-btn--sm",
        "alert": "fr-alert fr-alert--{kind} fr-mb-2w", "alert_title": "fr-alert__title",
        "badge": "fr-badge fr-badge--{kind}", "input": "fr-input c-input",
        "select": "fr-select c-input",  # DSFR's select keeps its arrow (issue 15)
        "field": "fr-input-group c-field", "field_error": "fr-input-group--error",
        "label": "fr-label", "hint": "fr-hint-text", "error": "fr-error-text",
        "stylesheets": ["vendor/dsfr/dsfr.min.css", "css/neutral.css", "css/dsfr-bridge.css"],
        "script": "vendor/dsfr/dsfr.module.min.js",
    },
}


def theme_table(name: str) -> dict:
    if name not in THEMES:
        raise ValueError(f"CONSULT_THEME must be one of {sorted(THEMES)}, not {name!r}")
    return THEMES[name]
