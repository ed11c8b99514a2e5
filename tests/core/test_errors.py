"""A crash in the middle of a write gives a page, and leaves nothing half-saved."""

import pytest
from sqlalchemy.exc import IntegrityError

from consult.core.errors import unexpected_error
from consult.db import db
from consult.ideas.models import Support
from tests.factories import IdeaFactory, UserFactory


def test_a_failed_flush_still_gives_the_error_page_and_rolls_back(app):
    idea, user = IdeaFactory(), UserFactory()
    db.session.add(Support(idea_id=idea.id, user_id=user.id, challenge_id=idea.challenge_id))
    db.session.flush()
    with app.test_request_context("/idees/1/soutenir", method="POST"):
        db.session.add(Support(idea_id=idea.id, user_id=user.id,
                               challenge_id=idea.challenge_id))
        with pytest.raises(IntegrityError) as failure:
            db.session.flush()  # the session now refuses queries until rolled back
        body, status = unexpected_error(failure.value)
        assert status == 500
        assert "Une erreur" in body or "erreur" in body.lower()
        assert db.session.query(Support).filter_by(idea_id=idea.id).count() == 0
