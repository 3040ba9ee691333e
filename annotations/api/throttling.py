"""API throttles. Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, read when a
request is throttled (so a changed setting takes effect); a rate of ``off`` means no limit.

- ``UserRateThrottle``: API calls per signed-in user, whether by token or by session.
- ``TokenAuthentication``: DRF's, refusing token sign-in from an address (429) once tokens
  from it have failed ``token_failures`` times; only failures count.
"""

from __future__ import annotations

from rest_framework import authentication, exceptions, throttling
from rest_framework.settings import api_settings


def current_rate(scope: str) -> str | None:
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
    if not rate or rate.strip().lower() in {"off", "none", "0"}:
        return None
    return rate


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self):
        return current_rate(self.scope)


class TokenFailureThrottle(throttling.SimpleRateThrottle):
    """Counts failed token sign-ins per client address (``NUM_PROXIES`` says which)."""

    scope = "token_failures"

    def get_rate(self):
        return current_rate(self.scope)

    def get_cache_key(self, request, view=None):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def locked_out(self, request) -> bool:
        if self.rate is None:
            return False
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        return len(self.history) >= self.num_requests

    def record_failure(self, request) -> None:
        if self.rate is None:
            return
        self.locked_out(request)
        self.history.insert(0, self.now)
        self.cache.set(self.key, self.history, self.duration)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate(self, request):
        if not authentication.get_authorization_header(request):
            return None
        throttle = TokenFailureThrottle()
        if throttle.locked_out(request):
            raise exceptions.Throttled(
                wait=throttle.wait(),
                detail="Too many failed token sign-ins from your address.",
            )
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            throttle.record_failure(request)
            raise
