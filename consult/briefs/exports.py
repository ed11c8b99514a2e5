"""A brief as Markdown and as an accessible PDF (WeasyPrint, tagged PDF/UA-1)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from consult.briefs.models import Brief


def _sections(brief: Brief) -> list[tuple[str, str]]:
    return [(title, text) for title, text in (
        (_("Le problème"), brief.problem_statement),
        (_("Les usagers et leurs besoins"), brief.users_and_needs),
        (_("La solution proposée"), brief.proposed_solution),
        (_("Les hypothèses à tester"), brief.hypotheses),
        (_("Les indicateurs de réussite"), brief.success_indicators),
        (_("Contraintes juridiques"), brief.legal_constraints),
        (_("Contraintes budgétaires"), brief.budget_constraints),
        (_("Contraintes techniques"), brief.technical_constraints),
    ) if text and text.strip()]


def _md(text: str) -> str:
    """Text typed by people, inert in a Markdown file: any raw HTML they wrote shows as
    text in every Markdown renderer instead of being interpreted (issue 14)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_markdown(brief: Brief, url: str) -> str:
    lines = [f"# {_md(brief.title)}", "",
             f"{_('Cahier de prototypage')} — {brief.status.label} — {brief.organisation.name}",
             "", f"{_('Défi')} : {brief.challenge.title}", f"{_('Adresse')} : {url}", "",
             f"## {_('Né des idées')}", ""]
    lines += [f"- {_md(idea.title)} — "
              f"{_md(_('proposée par %(name)s', name=idea.author.public_name))}"
              if idea.is_viewable else f"- {_('Idée masquée par la modération')}"
              for idea in brief.ideas]
    for title, text in _sections(brief):
        lines += ["", f"## {title}", "", _md(text.strip())]
    if brief.team:
        lines += ["", f"## {_('Équipe')}", "", _md(brief.team)]
    if brief.milestones:
        lines += ["", f"## {_('Jalons')}", "", f"| {_('Jalon')} | {_('Date')} |", "|---|---|"]
        lines += [f"| {_md(m.title).replace('|', '&#124;')} | {m.due_on.isoformat()} |"
                  for m in brief.milestones]
    if brief.journal:
        lines += ["", f"## {_('Journal')}", ""]
        lines += [f"- {entry.created_at.date().isoformat()}"
                  f"{' — ' + entry.status.label if entry.status else ''}"
                  f"{' : ' + _md(entry.text) if entry.text else ''}" for entry in brief.journal]
    return "\n".join(lines) + "\n"


def as_pdf(brief: Brief, url: str) -> bytes:
    from weasyprint import HTML

    html = render_template("briefs/print.html", brief=brief, sections=_sections(brief), url=url)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
