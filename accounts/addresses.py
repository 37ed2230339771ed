"""The address a request comes from, behind the proxies the council trusts.

Behind a TLS proxy or load balancer every request arrives from the proxy's address, so
throttling sign-ins per address would lock a person out for everyone's mistakes. The
client's address is then the right-most address in X-Forwarded-For that is not one of
our own proxies, read only when the request came from one of them (anyone else could
write the header themselves).

Written here rather than with django-ipware: ipware judges the proxies named inside
X-Forwarded-For, not the address the request actually came from, so it cannot tell our
proxy from a client sending the header directly.
"""

from functools import lru_cache
from ipaddress import ip_address, ip_network

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]):
    return tuple(ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _trusted(address: str) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind a trusted proxy the address it forwards.

    None when the request has no address (django-axes stores it in an IP address column).
    """
    remote = _valid(request.META.get("REMOTE_ADDR")) if request is not None else None
    if remote is None or not _trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for address in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if not _trusted(address):
            # A garbled header counts against the proxy, not a guess.
            return _valid(address) or remote
    return remote


def _valid(address: str | None) -> str | None:
    """The address written the standard way, or None if it is not an IP address."""
    try:
        return str(ip_address((address or "").strip()))
    except ValueError:
        return None
