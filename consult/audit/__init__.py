"""The append-only action log: every moderation, administration and brief action."""
