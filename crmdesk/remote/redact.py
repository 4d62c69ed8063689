"""Redaction of secrets in text and in log records.

Tokens are opaque, so this looks for what secrets usually look like: an
``Authorization``/``Bearer`` value, Aria keys (``oc_sk_…``), other ``sk_``-style keys,
and long runs of hex or base64 characters. It errs on the side of hiding too much:
a log line with a long id masked is a smaller loss than a leaked key.
"""

from __future__ import annotations

import logging
import re
from typing import Any

MASK = "[REDACTED]"

#: (pattern, replacement). Replacements keep the label ("Bearer ", "api_key=") so a
#: reader still sees what was there.
_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "Bearer abc…", "Basic abc…" (any case), as in a header or an error text.
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=\-]{6,}"), rf"\1\2{MASK}"),
    # "authorization: …", "api_key=…", "client_secret": "…" and friends.
    (
        re.compile(
            r"(?i)((?:authorization|api[_-]?key|x-api-key|access[_-]?token|refresh[_-]?token"
            r"|client[_-]?secret|password|secret|token)[\"']?\s*[:=]\s*[\"']?)(?!\[REDACTED\]|(?:bearer|basic)\s)[^\s\"',;}]+"
        ),
        rf"\1{MASK}",
    ),
    # Key prefixes used by CRM servers and most SaaS APIs (oc_sk_…, bos_crm_…, sk_live_…).
    (re.compile(r"\b(?:oc|aria|bos|sk|pk|rk)_(?:sk_|crm_|live_|test_)?[A-Za-z0-9_\-]{8,}"), MASK),
    # JWTs.
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"), MASK),
    # Long hex (32+) and long base64-ish (40+) runs: raw keys and secrets. "/" and "-" are
    # left out of the second so URL paths with ids in them stay readable.
    (re.compile(r"\b[0-9a-fA-F]{32,}\b"), MASK),
    (re.compile(r"(?<![A-Za-z0-9+_])[A-Za-z0-9+_]{40,}={0,2}"), MASK),
)


def redact(text: str) -> str:
    """``text`` with anything that looks like a secret replaced by ``[REDACTED]``."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def _redact_arg(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, (int, float, bool)) or value is None:
        return value
    # Exceptions, dicts, requests…: their text may hold a secret, so log the redacted text.
    return redact(str(value))


class RedactingFilter(logging.Filter):
    """A logging filter that redacts secrets in the message and its arguments.

    Add it to every handler (``install_redaction`` does) rather than to loggers: handler
    filters also see records propagated from library loggers such as ``httpx``.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        else:
            record.msg = redact(str(record.msg))
        if isinstance(record.args, dict):
            record.args = {key: _redact_arg(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(value) for value in record.args)
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            # Format the traceback now, redacted, so handlers print this text instead.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            # Also when a handler before this one formatted it (formatters cache it here).
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def install_redaction(logger: logging.Logger | None = None) -> RedactingFilter:
    """Add one ``RedactingFilter`` to each handler of ``logger`` (the root by default)."""
    target = logger or logging.getLogger()
    redactor = RedactingFilter()
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(redactor)
    return redactor
