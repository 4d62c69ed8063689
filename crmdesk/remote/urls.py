"""Addresses: which ones credentials may be sent to (shared by the transport's base URL and
``ClientCredentialsAuth``'s token URL, which ``transport.py`` imports and so cannot import), and a
server's root from what a user typed."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

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


def ends_in_api_base(url: str, api_base: str) -> bool:
    """Whether ``url`` is a server's API base (``https://crm.example.com/api/v1``)."""
    return urlsplit(url.strip()).path.rstrip("/").endswith(api_base)


def server_root(url: str, api_base: str) -> str:
    """The server's root from what a user typed: its root (``https://crm.example.com``) or its API
    base (root + ``api_base``) both work; a query or fragment is dropped."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    if path.endswith(api_base):
        path = path[: -len(api_base)]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
