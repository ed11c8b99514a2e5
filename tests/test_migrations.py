"""Migrations are the only way tables are made: one head, and they match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from consult.db import Base, db, scratch_database
from consult.migrate import heads, is_at_head


def test_one_head():
    assert len(heads(db.engine)) == 1


def test_database_built_by_migrations_is_at_head():
    assert is_at_head(db.engine)


def test_models_and_migrations_agree():
    """The same comparison as `alembic check`, on the dialect under test."""
    from consult.models import include_object

    with db.engine.connect() as connection:
        connection.info["write"] = False
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                          "include_object": include_object})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_territories_reference_is_loaded():
    from sqlalchemy import func, select

    from consult.territories.models import Territory, TerritoryKind

    counts = dict(db.session.execute(
        select(Territory.kind, func.count()).group_by(Territory.kind)).all())
    assert counts[TerritoryKind.REGION] >= 18
    assert counts[TerritoryKind.DEPARTEMENT] >= 101
    assert counts[TerritoryKind.COMMUNE] > 34_000


def test_search_objects_survive_every_migration():
    """Later revisions must not rebuild `ideas` and lose the search index (SQLite
    batch mode does that silently)."""
    from sqlalchemy import text

    if db.dialect == "sqlite":
        triggers = set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ideas'")))
        assert triggers == {"ideas_fts_insert", "ideas_fts_delete", "ideas_fts_update"}
    else:
        assert db.session.scalar(text(
            "SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_ideas_search_vector'")) == 1


def test_append_only_triggers_survive_every_migration():
    from sqlalchemy import text

    if db.dialect == "sqlite":
        triggers = set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name = 'action_log'")))
        assert triggers == {"action_log_no_update", "action_log_no_delete"}


def test_the_four_dates_of_a_challenge_become_its_phases(tmp_path):
    """Migration 0018 on a database holding a challenge made before it: its four dates
    become four phases, its vote rules the supports phase's settings, the phase already
    announced stays announced, and rebuilding `challenges` (SQLite) loses no row that
    points at it."""
    import os
    from datetime import datetime

    from sqlalchemy import text

    from consult.db import make_engine
    from consult.migrate import upgrade

    if db.dialect == "sqlite":
        url, drop = f"sqlite:///{tmp_path}/before.db", (lambda: None)
    else:
        url, drop = scratch_database(os.environ["CONSULT_TEST_DATABASE_URL"], "consult_m18")
    engine = make_engine(url)
    try:
        upgrade(engine, "0017")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO challenges (id, slug, title, service, problem, audience, context, "
                "submission_starts_at, voting_starts_at, review_starts_at, results_at, "
                "supports_per_person, self_support_allowed, moderation_mode, "
                "moderation_charter, auto_hide_threshold, published_at, created_at, "
                "ideas_count, supports_count, participants_count, announced_phase) VALUES "
                "(7, 'ancien', 'Un ancien défi', 'Accueil', 'Un problème.', '', '', "
                ":a, :b, :c, :d, 4, true, 'post', '', 5, :a, :a, 0, 0, 0, 'voting')"),
                {"a": datetime(2026, 1, 1), "b": datetime(2026, 2, 1),
                 "c": datetime(2026, 3, 1), "d": datetime(2026, 4, 1)})
            connection.execute(text("INSERT INTO themes (challenge_id, name) "
                                    "VALUES (7, 'Accueil')"))
        upgrade(engine)
        with engine.connect() as connection:
            phases = connection.execute(text(
                "SELECT kind, starts_at, ends_at, announced_at IS NOT NULL FROM "
                "challenge_phases WHERE challenge_id = 7 ORDER BY starts_at")).all()
            settings = connection.execute(text(
                "SELECT settings FROM challenge_phases WHERE kind = 'supports'")).scalar()
            themes = connection.execute(text("SELECT count(*) FROM themes")).scalar()
        def month(value):  # SQLite answers raw SQL with text
            return datetime.fromisoformat(str(value)).month if value is not None else None

        assert [(k, month(s), month(e), bool(told)) for k, s, e, told in phases] == [
            ("ideas", 1, 2, True), ("supports", 2, 3, True), ("review", 3, 4, False),
            ("results", 4, None, False)]
        import json

        settings = json.loads(settings) if isinstance(settings, str) else settings
        assert settings == {"supports_per_person": 4, "self_support_allowed": True}
        assert themes == 1
    finally:
        engine.dispose()
        drop()


def test_test_sessions_become_user_test_events_with_their_guarantees(tmp_path):
    """Migration 0021 on a database holding a test session with two seats taken and a
    person waiting: it becomes an event of the kind *user test* with the same id, seats
    and line (the append-only journal keeps its entries, which lead to the event); the
    CHECK still refuses a third seat, the UNIQUE a second
    registration, and new rows take ids after the old ones (PostgreSQL's sequences).
    Downgrading brings the session back."""
    import os
    from datetime import datetime

    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from consult.db import make_engine
    from consult.migrate import upgrade

    if db.dialect == "sqlite":
        url, drop = f"sqlite:///{tmp_path}/before.db", (lambda: None)
    else:
        url, drop = scratch_database(os.environ["CONSULT_TEST_DATABASE_URL"], "consult_m21")
    engine = make_engine(url)
    now = datetime(2030, 5, 1, 9)
    try:
        upgrade(engine, "0020")
        with engine.begin() as c:
            for n in (1, 2, 3):
                c.execute(text(
                    "INSERT INTO users (id, email, display_name, locale, is_platform_admin, "
                    "digest_opt_in, important_mail, created_at) VALUES (:n, :e, :d, 'fr', "
                    "false, false, true, :t)"), {"n": n, "e": f"p{n}@x.fr", "d": f"P{n}",
                                                 "t": now})
            c.execute(text("INSERT INTO organisations (id, slug, name, kind, description, "
                           "created_at) VALUES (4, 'labo', 'Labo', 'laboratoire', '', :t)"),
                      {"t": now})
            c.execute(text(
                "INSERT INTO challenges (id, slug, title, service, problem, audience, context, "
                "moderation_mode, moderation_charter, created_at, ideas_count, supports_count, "
                "participants_count) VALUES (5, 'd', 'Défi', 'S', 'P', '', '', 'post', '', :t, "
                "0, 0, 0)"), {"t": now})
            c.execute(text(
                "INSERT INTO briefs (id, challenge_id, organisation_id, title, "
                "problem_statement, users_and_needs, proposed_solution, hypotheses, "
                "success_indicators, legal_constraints, budget_constraints, "
                "technical_constraints, team, status, created_at, published_at) VALUES (6, 5, 4, "
                "'Cahier', '', '', '', '', '', '', '', '', '', 'published', :t, :t)"),
                {"t": now})
            c.execute(text(
                "INSERT INTO test_sessions (id, brief_id, title, description, starts_at, "
                "ends_at, mode, location, capacity, confirmed_count, created_at) VALUES "
                "(9, 6, 'Test en mairie', '', :s, :e, 'in_person', '1 place de la Mairie', 2, 2, "
                ":t)"), {"s": datetime(2030, 6, 1, 14), "e": datetime(2030, 6, 1, 16), "t": now})
            for rid, user, status in ((11, 1, "confirmed"), (12, 2, "confirmed"),
                                      (13, 3, "waiting")):
                c.execute(text("INSERT INTO registrations (id, session_id, user_id, status, "
                               "created_at) VALUES (:r, 9, :u, :s, :t)"),
                          {"r": rid, "u": user, "s": status, "t": now})
            c.execute(text("INSERT INTO action_log (created_at, action, target_type, target_id, "
                           "details) VALUES (:t, 'session.create', 'test_sessions', 9, '{}')"),
                      {"t": now})
        upgrade(engine)
        with engine.connect() as c:
            event = c.execute(text(
                "SELECT kind, organisation_id, challenge_id, brief_id, format, address, "
                "capacity, confirmed_count FROM events WHERE id = 9")).one()
            line = c.execute(text("SELECT id, user_id, status FROM event_registrations "
                                  "ORDER BY id")).all()
            journal = c.execute(text("SELECT target_type FROM action_log "
                                     "WHERE action = 'session.create'")).scalar()
        assert tuple(event) == ("user_test", 4, 5, 6, "in_person", "1 place de la Mairie", 2, 2)
        assert [tuple(r) for r in line] == [(11, 1, "confirmed"), (12, 2, "confirmed"),
                                           (13, 3, "waiting")]
        assert journal == "test_sessions"  # append-only: the journal is never rewritten
        with pytest.raises(IntegrityError), engine.begin() as c:  # never overbooked
            c.execute(text("UPDATE events SET confirmed_count = 3 WHERE id = 9"))
        with pytest.raises(IntegrityError), engine.begin() as c:  # one place per person
            c.execute(text("INSERT INTO event_registrations (event_id, user_id, status, "
                           "accessibility_needs, answers, created_at) VALUES (9, 1, "
                           "'waiting', '', '{}', :t)"), {"t": now})
        with engine.begin() as c:  # new rows after the moved ones
            c.execute(text(
                "INSERT INTO users (id, email, display_name, locale, is_platform_admin, "
                "digest_opt_in, important_mail, created_at) VALUES (4, 'p4@x.fr', 'P4', 'fr', "
                "false, false, true, :t)"), {"t": now})
            c.execute(text("INSERT INTO event_registrations (event_id, user_id, status, "
                           "accessibility_needs, answers, created_at) VALUES (9, 4, "
                           "'waiting', '', '{}', :t)"), {"t": now})
            assert c.execute(text("SELECT id FROM event_registrations WHERE user_id = 4")
                             ).scalar() > 13
        from alembic import command

        from consult.migrate import alembic_config

        command.downgrade(alembic_config(engine), "0020")
        with engine.connect() as c:
            back = c.execute(text("SELECT mode, location, confirmed_count FROM test_sessions "
                                  "WHERE id = 9")).one()
            regs = c.execute(text("SELECT count(*) FROM registrations")).scalar()
        assert tuple(back) == ("in_person", "1 place de la Mairie", 2) and regs == 4
    finally:
        engine.dispose()
        drop()
