"""The one exception operations raise to refuse something, with a message for a person."""


class Refused(Exception):
    """An action refused for a reason a person can read and act on."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
