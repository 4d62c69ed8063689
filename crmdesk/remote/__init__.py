"""The client side of the wire: transport, the ``Backend`` protocol, one adapter per dialect.

Imports ``crmdesk.model`` only; sync and UI see the common model, never a wire format.
"""

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
