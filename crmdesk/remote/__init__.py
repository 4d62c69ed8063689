"""The client side of the wire: transport, the ``Backend`` protocol, one adapter per dialect.

Imports ``crmdesk.model`` only; sync and UI see the common model, never a wire format.
"""

from crmdesk.remote.backend import Backend, Capabilities, RecordPage, SearchHit, TimelinePage
from crmdesk.remote.errors import (
    AuthError,
    InsecureConnectionRefused,
    NetworkError,
    NotFound,
    OutcomeUnknown,
    PagingUnstable,
    PermissionDenied,
    ProtocolError,
    RateLimited,
    RemoteError,
    RemoteValidationError,
    ServerError,
    ServerRejected,
)

__all__ = [
    "AuthError",
    "Backend",
    "Capabilities",
    "InsecureConnectionRefused",
    "NetworkError",
    "NotFound",
    "OutcomeUnknown",
    "PagingUnstable",
    "PermissionDenied",
    "ProtocolError",
    "RateLimited",
    "RecordPage",
    "RemoteError",
    "RemoteValidationError",
    "SearchHit",
    "ServerError",
    "ServerRejected",
    "TimelinePage",
]
