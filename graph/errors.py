"""The one exception tree of innograph; api/ maps it to HTTP, the CLI to exit codes."""

from dataclasses import dataclass

__all__ = [
    "InnographError", "InputError", "UnsafeInput", "ValidationFailed", "Violation",
    "StoreError", "StoreMissing", "QueryError", "UnknownQuery", "ParameterError",
    "QueryRefused", "QueryTooLarge", "NotAcceptable", "QueryTimeout",
]


class InnographError(Exception):
    """Base of every error innograph raises on purpose."""


class InputError(InnographError):
    """An input file cannot be read or parsed; the message names the file and, where known, the line."""


class UnsafeInput(InputError):
    """An input file asks for something innograph refuses to do (fetch a remote context, expand entities)."""


@dataclass(frozen=True)
class Violation:
    """One broken rule: where (file, node), which rule, and what to do."""

    rule: str
    node: str
    message: str
    files: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = ", ".join(self.files) if self.files else "(no file)"
        return f"{where}: {self.node}: {self.rule}: {self.message}"


class ValidationFailed(InnographError):
    """The data breaks one or more rules; nothing was replaced."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations[:50])
        more = f"\n  … and {len(violations) - 50} more" if len(violations) > 50 else ""
        super().__init__(f"{len(violations)} violation(s):\n{lines}{more}")


class StoreError(InnographError):
    """The store folder is not as `innograph build` leaves it."""


class StoreMissing(StoreError):
    """No built store where one was expected."""


class QueryError(InnographError):
    """A SPARQL query cannot be parsed or evaluated."""


class UnknownQuery(QueryError):
    """No named query has that name."""


class ParameterError(QueryError):
    """A named query's parameter is missing, unknown or of the wrong type."""


class QueryRefused(QueryError):
    """A query asks for something the read-only, offline service does not do (an update, a remote call)."""


class QueryTooLarge(QueryError):
    """A query is longer or nested deeper than the limits allow."""


class NotAcceptable(QueryError):
    """No result format the client accepts fits the kind of query."""


class QueryTimeout(QueryError):
    """A query ran past the time limit and was stopped."""


class PdfUnavailable(InnographError):
    """WeasyPrint or the system libraries it draws with (Pango) are missing; Markdown and HTML still work."""
