from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.db import Base, enum_type


class TerritoryKind(enum.StrEnum):
    REGION = "region"
    DEPARTEMENT = "departement"
    COMMUNE = "commune"


class Territory(Base):
    __tablename__ = "territories"
    __table_args__ = (
        UniqueConstraint("kind", "code"),
        Index("ix_territories_search_name", "search_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TerritoryKind] = mapped_column(enum_type(TerritoryKind, "territory_kind", 16))
    code: Mapped[str] = mapped_column(String(10))  # INSEE code
    name: Mapped[str] = mapped_column(String(120))
    search_name: Mapped[str] = mapped_column(String(120))  # lower case, no accents
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="RESTRICT"), index=True)
    population: Mapped[int | None]

    parent: Mapped[Territory | None] = relationship(remote_side="Territory.id", lazy="joined",
                                                    join_depth=1)

    @property
    def label(self) -> str:
        """What a person reads, unique for each territory: « Saint-Denis (93) »,
        « Seine-Saint-Denis (département 93) », « Île-de-France (région) »."""
        if self.kind == TerritoryKind.COMMUNE and self.parent is not None:
            return f"{self.name} ({self.parent.code})"
        if self.kind == TerritoryKind.DEPARTEMENT:
            return f"{self.name} (département {self.code})"
        return f"{self.name} (région)"
