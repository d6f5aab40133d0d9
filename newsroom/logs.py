"""Request ids and structured logs.

``request_id`` (a middleware, first in ``MIDDLEWARE``) takes the request's ``X-Request-ID`` when it is
sane (1-128 characters of letters, digits and ``._:=+/-``: nothing that could forge a log line) and
otherwise makes one (32 hex digits); it is echoed in the response's ``X-Request-ID`` and attached to
every log record written while the request runs (``RequestIdFilter``). Give the same id to the
proxy's and gunicorn's access logs (``%({x-request-id}o)s``, newsroom/gunicorn.py) to follow one
request through all three.

``LOG_FORMAT=json`` writes each record as one JSON object a line (``JsonFormatter``): ``time`` (UTC,
ISO 8601), ``level``, ``logger``, ``message``, ``request_id``, the request's ``method`` and ``path``
and the ``status_code`` where Django's request logging gives them, any other ``extra`` fields, and
``exception`` (the traceback) when there is one. ``LOG_FORMAT=text`` (the default) is one readable
line, the request id in it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

HEADER = "X-Request-ID"
SANE = re.compile(r"[A-Za-z0-9._:=+/-]{1,128}")

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def request_id(get_response):
    def middleware(request):
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = given if SANE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid
        token = current_request_id.set(rid)
        try:
            response = get_response(request)
        finally:
            current_request_id.reset(token)
        response[HEADER] = rid
        return response

    return middleware


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a request's 4xx/5xx after the middleware returned, with the request attached.
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


# What every LogRecord has; anything else on a record came from ``extra=`` and is written out.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", current_request_id.get()),
        }
        for name, value in vars(record).items():
            if name in _STANDARD or name.startswith("_"):
                continue
            if name == "request":  # Django's request logging passes the request itself
                data["method"] = getattr(value, "method", None)
                data["path"] = getattr(value, "path", None)
                continue
            data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, default=str, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format: str, level: str) -> dict:
    """``LOGGING`` for ``LOG_FORMAT`` (``json`` or ``text``) and ``LOG_LEVEL``."""
    if log_format not in ("json", "text"):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {log_format!r}")
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "default"}
        },
        "root": {"handlers": ["console"], "level": level},
        # Django's own loggers propagate to the root; its default console handlers (DEBUG only) stay off.
        "loggers": {"django": {"handlers": [], "level": level, "propagate": True}},
    }
