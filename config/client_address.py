"""The address a request comes from, for throttling logins (django-axes)."""

from django.conf import settings


def client_address(request) -> str:
    """Behind ``DJANGO_PROXY_COUNT`` proxies, the address the nearest trusted proxy saw: the
    proxies append to X-Forwarded-For, so it is that many entries from the end — whatever a
    client writes into the header itself stays in front and is ignored. Without a proxy, the
    connection's own address; the header is not read at all."""
    proxies = settings.DJANGO_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
