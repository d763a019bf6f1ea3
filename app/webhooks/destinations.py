"""Where a webhook may be sent: a partner's own system, never the hub's own network.

The same test runs when a URL is registered and again before every attempt, because what
a name resolves to can change after it was registered, and a host can be written in forms
that only resolution reveals (``2130706433`` and ``0x7f.1`` are both 127.0.0.1).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app

LOCAL_HOST = "127.0.0.1"  # allowed outside production: development and the tests' receivers


def internal(hostname: str) -> bool:
    """True if ``hostname`` is, or resolves to, any address off the public internet
    (loopback, private, link-local, ...). A name that does not resolve is not internal:
    nothing can be sent to it at all."""
    if hostname == "localhost" or hostname.endswith(".localhost"):
        return True
    try:
        found = socket.getaddrinfo(hostname, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        return False
    addresses = {info[4][0].split("%")[0] for info in found}
    return any(not ipaddress.ip_address(address).is_global for address in addresses)


def refused(url: str) -> bool:
    """True if a delivery to ``url`` must not be attempted from here."""
    hostname = urlsplit(url).hostname or ""
    development = current_app.config["HUB_ENV"] != "production"
    return internal(hostname) and not (development and hostname == LOCAL_HOST)
