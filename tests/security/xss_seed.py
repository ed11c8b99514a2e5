"""Put every XSS vector of ``data/xss_vectors.txt`` into everything people type that a
page shows: idea titles and bodies, comments and replies, display names, organisation
names, challenge texts, brief fields and journal entries. Run in its own process against
the live server's database (``python -m tests.security.xss_seed``, CONSULT_* from the
environment); prints, as JSON on its last line, the pages that show them."""

from __future__ import annotations

import json
from pathlib import Path

VECTORS_FILE = Path(__file__).parent / "data" / "xss_vectors.txt"


def vectors() -> list[str]:
    lines = VECTORS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line and not line.startswith("#")]


def seed(all_vectors: list[str]) -> list[str]:
    from consult.briefs.models import Brief, BriefStatus, BriefUpdate
    from consult.comments.models import Comment
    from consult.db import db, utcnow
    from tests.factories import ChallengeFactory, IdeaFactory, OrganisationFactory, UserFactory

    pages = ["/", "/defis"]
    organisation = OrganisationFactory(name=all_vectors[0][:160])
    arena = ChallengeFactory(phase="supports", title="Défi des vecteurs", slug="xss-arena",
                             organisations=[organisation], supports_per_person=None)
    for n, vector in enumerate(all_vectors):
        author = UserFactory(display_name=vector[:80], email=f"xss{n}@exemple.fr",
                             password_hash=None)  # nobody signs in as them
        idea = IdeaFactory(challenge=arena, author=author, title=vector[:140], body=vector)
        comment = Comment(idea_id=idea.id, author=author, body=vector)
        db.session.add(comment)
        db.session.flush()
        db.session.add(Comment(idea_id=idea.id, author=author, body=vector,
                               parent_id=comment.id))
        pages.append(f"/idees/{idea.id}")
    db.session.flush()
    pages += [f"/defis/xss-arena?tri=soutiens&page={p}"
              for p in range(1, len(all_vectors) // 20 + 2)]
    for n in range(0, len(all_vectors), 5):
        texts = (all_vectors[n:n + 5] * 5)[:5]
        challenge = ChallengeFactory(phase="supports", slug=f"xss-defi-{n}", title=texts[0][:160],
                                     service=texts[1][:200], problem=texts[2],
                                     audience=texts[3], context=texts[4],
                                     organisations=[organisation])
        pages.append(f"/defis/{challenge.slug}")
    fields = ("title", "problem_statement", "users_and_needs", "proposed_solution",
              "hypotheses", "success_indicators", "legal_constraints", "budget_constraints",
              "technical_constraints", "team")
    for n in range(0, len(all_vectors), len(fields)):
        texts = (all_vectors[n:n + len(fields)] * len(fields))[:len(fields)]
        values = dict(zip(fields, texts, strict=True))
        values["title"], values["team"] = values["title"][:160], values["team"][:300]
        brief = Brief(challenge=arena, organisation=organisation, status=BriefStatus.PUBLISHED,
                      published_at=utcnow(), **values)
        db.session.add(brief)
        db.session.flush()
        db.session.add(BriefUpdate(brief_id=brief.id, text=texts[0]))
        pages.append(f"/cahiers/{brief.id}")
    pages.append(f"/organisations/{organisation.slug}")
    db.session.commit()
    return pages


def main() -> None:
    from consult import create_app
    from consult.db import db

    app = create_app()
    with app.app_context():
        pages = seed(vectors())
        db.session.remove()
    print(json.dumps(pages))


if __name__ == "__main__":
    main()
