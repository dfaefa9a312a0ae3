"""One error body for every route: EdgeError carries its status; HTTP errors and crashes map onto it."""
from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from edge_agent.errors import BadRequest, EdgeError, MethodNotAllowed, NotFound, PayloadTooLarge

log = logging.getLogger("edge_agent.web")

HTTP_ERRORS: dict[int, type[EdgeError]] = {400: BadRequest, 404: NotFound, 405: MethodNotAllowed,
                                           413: PayloadTooLarge}


def error_response(err: EdgeError) -> Response:
    """Render an EdgeError as JSON with its status and headers."""
    response = jsonify(err.body())
    response.status_code = err.status
    response.headers.update(err.headers)
    return response


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(EdgeError)
    def _edge(err: EdgeError) -> Response:
        return error_response(err)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Response:
        cls = HTTP_ERRORS.get(err.code or 500)
        if cls is None:
            mapped = EdgeError("The request could not be completed.")
            mapped.status, mapped.code = err.code or 500, "http_error"
            return error_response(mapped)
        return error_response(cls())

    @app.errorhandler(Exception)
    def _crash(err: Exception) -> Response:
        log.error("unhandled %s", type(err).__name__)  # never the exception's text: it may hold customer data
        return error_response(EdgeError())
