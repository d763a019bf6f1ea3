"""Where a webhook may be sent: a partner's own system, never the hub's own network.

The same test runs when a URL is registered, before every attempt, and as the attempt's
connection is made, because what a name resolves to can change after it was registered,
and a host can be written in forms that only resolution reveals (``2130706433`` and
``0x7f.1`` are both 127.0.0.1). The last check closes the gap between checking a name and
connecting to it, in which a name could be made to resolve elsewhere (DNS rebinding):
``PinnedAdapter`` resolves the host once, refuses it if any address is internal, and
connects to the very address it checked (the TLS certificate is still checked against
the host's name).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

LOCAL_HOST = "127.0.0.1"  # allowed outside production: development and the tests' receivers


class InternalAddress(Exception):
    """The host of a delivery resolved, as it was being connected, to an internal address."""


def _addresses(hostname: str, port: int | None = None) -> list[str]:
    found = socket.getaddrinfo(hostname, port, proto=socket.IPPROTO_TCP)
    return [info[4][0].split("%")[0] for info in found]


def _any_internal(addresses) -> bool:
    return any(not ipaddress.ip_address(address).is_global for address in addresses)


def internal(hostname: str) -> bool:
    """True if ``hostname`` is, or resolves to, any address off the public internet
    (loopback, private, link-local, ...). A name that does not resolve is not internal:
    nothing can be sent to it at all."""
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        return _any_internal(_addresses(hostname))
    except (OSError, UnicodeError, ValueError):
        return False


def _allowed_locally(hostname: str) -> bool:
    return current_app.config["HUB_ENV"] != "production" and hostname == LOCAL_HOST


def refused(url: str) -> bool:
    """True if a delivery to ``url`` must not be attempted from here."""
    hostname = urlsplit(url).hostname or ""
    return internal(hostname) and not _allowed_locally(hostname)


def checked_address(hostname: str, port: int) -> str:
    """The address to connect to for ``hostname``, resolved once; InternalAddress if any
    address it resolves to is internal (socket.gaierror if it does not resolve)."""
    addresses = _addresses(hostname, port)
    if _any_internal(addresses) and not _allowed_locally(hostname):
        raise InternalAddress(hostname)
    return addresses[0]


class _Pinned:
    """For urllib3's connections: connect to the address ``checked_address`` gave."""

    def _new_conn(self):
        hostname = self._dns_host
        self._dns_host = checked_address(hostname, self.port)
        try:
            return super()._new_conn()
        finally:
            self._dns_host = hostname


class _PinnedHTTPConnection(_Pinned, HTTPConnection):
    pass


class _PinnedHTTPSConnection(_Pinned, HTTPSConnection):
    pass


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class PinnedAdapter(HTTPAdapter):
    """A requests adapter whose every connection is made by ``checked_address``."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PinnedHTTPPool,
            "https": _PinnedHTTPSPool,
        }
