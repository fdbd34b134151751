"""What an import raises when a file as a whole cannot be imported."""


class ImportRefusedError(Exception):
    """The file is refused whole (too large, too many rows or columns, a zip bomb, XML
    entities, not the format it claims, an encoding that does not decode it); the
    message is meant for the analyst, and nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
