"""Which addresses credentials may be sent to: shared by the transport (the API's base URL) and
``ClientCredentialsAuth`` (its token URL), which ``transport.py`` imports and so cannot import."""

from __future__ import annotations

import ipaddress

import httpx

from crmdesk.remote.errors import InsecureConnectionRefused
from crmdesk.remote.redact import redact


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(url: str, allow_insecure_http: bool) -> httpx.URL:
    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"“{redact(url)}” is not an http(s) address")
    if parsed.scheme == "http" and not is_loopback(parsed.host) and not allow_insecure_http:
        raise InsecureConnectionRefused(
            f"Refusing plain http:// to {parsed.host}: the API key or client secret would cross the "
            "network unencrypted. Use https://, or allow insecure connections for this workspace."
        )
    return parsed
