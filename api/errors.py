"""The one mapping from innograph's errors to HTTP responses."""

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from graph.errors import (InnographError, NotAcceptable, ParameterError, PdfUnavailable, QueryError,
                          QueryRefused, QueryTimeout, QueryTooLarge, StoreError, UnknownQuery)

__all__ = ["STATUS", "install", "ERROR_RESPONSES", "error_responses", "status_of"]

# Most specific first: the first class an error is an instance of gives its status.
STATUS: list[tuple[type[InnographError], int]] = [
    (UnknownQuery, 404), (ParameterError, 400), (QueryRefused, 403), (QueryTooLarge, 400),
    (NotAcceptable, 406), (QueryTimeout, 503), (QueryError, 400), (StoreError, 503),
    (PdfUnavailable, 503),
]

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"description": "The query does not parse, is longer or nested deeper than the limits, or a parameter is missing "
                         "or of the wrong type; the body says what and where."},
    403: {"description": "Refused: an update, or SERVICE / FROM aimed at a host not on the allow-list."},
    406: {"description": "None of the acceptable formats fits this kind of result."},
    415: {"description": "The request body's media type is not one of those the protocol allows."},
    503: {"description": "The query ran past the time limit and was stopped, no store is built, or PDF cannot be drawn here."},
}


def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    """The error responses of a route that can answer only these codes."""
    return {code: ERROR_RESPONSES[code] for code in codes}


def status_of(error: InnographError) -> int:
    return next((code for cls, code in STATUS if isinstance(error, cls)), 500)


def install(app: FastAPI) -> None:
    """Answer every innograph error with its status and its message as plain text."""

    async def handle(_: Request, error: Exception) -> PlainTextResponse:
        assert isinstance(error, InnographError)
        return PlainTextResponse(str(error) + "\n", status_code=status_of(error))

    app.add_exception_handler(InnographError, handle)
