"""Imports every model module, so the metadata is complete (Alembic, tests, CLI)."""

from consult.accounts.models import AuthSession, User  # noqa: F401
from consult.answers.models import AnswerLabel, AnswerTemplate  # noqa: F401
from consult.audit.models import ActionLog  # noqa: F401
from consult.briefs.models import Brief, BriefUpdate, Milestone  # noqa: F401
from consult.challenges.models import (  # noqa: F401
    Challenge,
    ChallengePhase,
    CharterRule,
    Participation,
    Theme,
)
from consult.codesign.models import Feedback, PrototypeVersion, Volunteer  # noqa: F401
from consult.comments.models import Comment, Report  # noqa: F401
from consult.core.outbox import OutboxMessage  # noqa: F401
from consult.events.models import (  # noqa: F401
    AgendaFollow,
    CalendarFeed,
    Event,
    EventIdea,
    EventQuestion,
    EventTheme,
    Programme,
    Registration,
)
from consult.ideas.models import Idea, IdeaCredit, Support  # noqa: F401
from consult.identity.models import ExternalIdentity, MembershipRequest  # noqa: F401
from consult.labs.models import (  # noqa: F401
    Application,
    Call,
    Criterion,
    LabPartnership,
    LabProject,
    LabRequest,
    ProjectEntry,
    ProjectLink,
    Reuse,
    Score,
    Solution,
)
from consult.moderation.backlog import QueueEntry  # noqa: F401
from consult.notifications.models import Follow, Notification  # noqa: F401
from consult.opinions.models import OpinionRequest  # noqa: F401
from consult.organisations.models import Invitation, Membership, Organisation  # noqa: F401
from consult.pairwise.models import PairShown, PairwiseScore, PairwiseVote  # noqa: F401
from consult.statements.models import OpinionReport, Statement, StatementVote  # noqa: F401
from consult.surveys.models import Answer, Response, Survey, Tally  # noqa: F401
from consult.territories.models import Territory  # noqa: F401
from consult.topics.models import Topic, TopicIdea, TopicRun  # noqa: F401

# Objects that exist only in one dialect, made by migrations, invisible to the models:
# PostgreSQL's generated search column and SQLite's FTS5 index with its shadow tables.
DIALECT_SPECIFIC_COLUMNS = {("ideas", "search_vector")}
DIALECT_SPECIFIC_TABLE_PREFIXES = ("ideas_fts",)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: leave the dialect-specific search objects out of comparisons."""
    if type_ == "table" and name and name.startswith(DIALECT_SPECIFIC_TABLE_PREFIXES):
        return False
    if type_ == "column" and (getattr(obj.table, "name", None), name) in \
            DIALECT_SPECIFIC_COLUMNS:
        return False
    return not (type_ == "index" and name and name.startswith("ix_ideas_search"))
