import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from consult.audit.models import ActionLog, AppendOnlyError
from consult.audit.operations import log_action
from consult.db import db
from tests.factories import UserFactory


def test_log_entries_cannot_be_changed_through_the_application():
    entry = log_action(UserFactory(), "organisation.create", reason="test")
    db.session.flush()
    entry.reason = "réécrit"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


def test_log_entries_cannot_be_deleted_through_the_application():
    entry = log_action(UserFactory(), "organisation.create")
    db.session.flush()
    db.session.delete(entry)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("statement", [
    "UPDATE action_log SET reason = 'réécrit'",
    "DELETE FROM action_log",
])
def test_the_database_refuses_to_change_the_log(statement):
    log_action(UserFactory(), "organisation.create")
    db.session.flush()
    with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
        db.session.execute(text(statement))
    assert db.session.query(ActionLog).count() >= 1
