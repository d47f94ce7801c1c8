"""The one error of the ingestion steps: a source that cannot be ingested, and why."""


class SourceError(Exception):
    """One source cannot be ingested; the message is the reason shown to the user."""
