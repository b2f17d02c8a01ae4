"""Domain exceptions, each carrying a French message for the user.

    LaboError                   base: ``str(exc)`` is a sentence a user can read
    ├── DatabaseLocked          the DuckDB file is held by another process (``pid`` when known)
    ├── ValidationError         bad input; ``fields`` maps a field name to its message
    │   └── ImportRejected      a refused file; ``rows`` lists (line number, reason)
    ├── PermissionDenied        the actor's role may not do this
    └── NotFound                the row asked for does not exist
"""

from __future__ import annotations


class LaboError(Exception):
    """Base of every error the UI turns into a readable French message."""


class DatabaseUnreachable(LaboError):
    """The PostgreSQL server does not answer, or refuses the connection (the message says why, in French)."""


class DatabaseLocked(LaboError):
    """The database file is locked by another process."""

    def __init__(self, path: str, pid: int | None, refused: str = "") -> None:
        self.path, self.pid = path, pid
        who = f"un autre programme (PID {pid})" if pid else "un autre programme"
        super().__init__(
            (f"{refused} " if refused else "")
            + f"La base de données « {path} » est déjà ouverte par {who}. "
            "Une seule application peut l'utiliser à la fois : arrêtez l'autre programme "
            "(par exemple l'application lancée par « make run », avec Ctrl+C"
            + (f" ou « kill {pid} »" if pid else "")
            + "), ou choisissez une autre base avec la variable LABO_DB ou l'option --db."
        )


class ValidationError(LaboError):
    """Input that cannot be saved; ``fields`` gives one French message per field."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        self.fields = dict(fields or {})
        super().__init__(message)


class ImportRejected(ValidationError):
    """A file refused as a whole; ``rows`` lists (line number, French reason)."""

    def __init__(self, message: str, rows: list[tuple[int, str]]) -> None:
        self.rows = list(rows)
        super().__init__(message)

    def report(self) -> str:
        """Return the message and every bad row, one per line."""
        lines = [str(self)] + [f"ligne {n} : {reason}" for n, reason in self.rows]
        return "\n".join(lines)


class PermissionDenied(LaboError):
    """The current role may not perform this operation."""


class NotFound(LaboError):
    """The requested row does not exist."""
