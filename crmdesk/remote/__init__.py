"""The client side of the wire: transport, the ``Backend`` protocol, one adapter per dialect.

Imports ``crmdesk.model`` only; sync and UI see the common model, never a wire format.

The names below are loaded on first use (PEP 562 ``__getattr__``): importing a light submodule
(``crmdesk.remote.redact``, which the log file's filter needs before the window's first paint)
then loads neither the ``Backend`` protocol nor the model it names.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crmdesk.remote.backend import Backend, Capabilities, NoteParent, RecordPage, SearchHit, TimelinePage
    from crmdesk.remote.errors import (
        AnswerTooLarge,
        AuthError,
        DeadlineExceeded,
        InsecureConnectionRefused,
        NetworkError,
        NotFound,
        OutcomeUnknown,
        PagingUnstable,
        PermissionDenied,
        PoisonedRow,
        ProtocolError,
        RateLimited,
        RemoteError,
        RemoteValidationError,
        RequestCancelled,
        ServerError,
        ServerRejected,
        TruncatedAnswer,
        unsupported,
    )

__all__ = [
    "AnswerTooLarge",
    "AuthError",
    "Backend",
    "Capabilities",
    "DeadlineExceeded",
    "InsecureConnectionRefused",
    "NetworkError",
    "NotFound",
    "NoteParent",
    "OutcomeUnknown",
    "PagingUnstable",
    "PermissionDenied",
    "PoisonedRow",
    "ProtocolError",
    "RateLimited",
    "RecordPage",
    "RemoteError",
    "RemoteValidationError",
    "RequestCancelled",
    "SearchHit",
    "ServerError",
    "ServerRejected",
    "TimelinePage",
    "TruncatedAnswer",
    "unsupported",
]

#: The names ``crmdesk.remote.backend`` defines; the others are ``crmdesk.remote.errors``'s.
_BACKEND_NAMES = frozenset({"Backend", "Capabilities", "NoteParent", "RecordPage", "SearchHit", "TimelinePage"})


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    home = "backend" if name in _BACKEND_NAMES else "errors"
    return getattr(import_module(f"{__name__}.{home}"), name)
