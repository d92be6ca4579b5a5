"""Failures of online geocoders: what went wrong (``classify_failure``) and the circuit breaker that stops calling
a provider after consecutive failures."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from geopy.adapters import AdapterHTTPError
from geopy.exc import (GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges, GeocoderParseError,
                       GeocoderQueryError, GeocoderQuotaExceeded, GeocoderRateLimited, GeocoderServiceError,
                       GeocoderTimedOut, GeocoderUnavailable as GeopyUnavailable)

__all__ = ["CircuitBreaker", "classify_failure"]


def classify_failure(exc: BaseException) -> tuple[str, bool]:
    """(why, trips the breaker at once) for an exception raised by a provider call (request + parsing)."""
    status = _http_status(exc)
    if isinstance(exc, GeocoderRateLimited) or status == 429:
        return "rate limited, HTTP 429", False
    if status is not None and 500 <= status < 600:
        return f"server error, HTTP {status}", False
    if isinstance(exc, (GeocoderAuthenticationFailure, GeocoderInsufficientPrivileges)) or status in (401, 403, 407):
        return f"access refused{f', HTTP {status}' if status else ''}: check the API key", True
    if isinstance(exc, GeocoderQuotaExceeded) or status == 402:
        return "quota exceeded", True
    if isinstance(exc, (GeocoderTimedOut, TimeoutError)):
        return "timeout", False
    if isinstance(exc, GeocoderQueryError):
        return f"query refused{f', HTTP {status}' if status else ''}", False
    if isinstance(exc, (GeocoderParseError, KeyError, IndexError, TypeError, ValueError, AttributeError)):
        return "malformed answer", False
    if isinstance(exc, (GeopyUnavailable, ConnectionError, OSError)):
        return "unreachable", False
    if isinstance(exc, GeocoderServiceError):
        return f"service error{f', HTTP {status}' if status else ''}", False
    return f"unexpected {type(exc).__name__}", False  # whatever the adapter or the answer's parser raised


def _http_status(exc: BaseException) -> int | None:
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, AdapterHTTPError):
            return exc.status_code
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


class CircuitBreaker:
    """Closed -> open after ``threshold`` consecutive failures -> one trial call after ``cooldown`` seconds."""

    def __init__(self, threshold: int = 2, cooldown: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self.threshold = max(1, int(threshold))
        self.cooldown = cooldown
        self.clock = clock
        self.failures = 0
        self.reason: str | None = None  # why it last failed
        self.opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.opened_at is not None

    def allow(self) -> bool:
        """May a request be sent now? (when open: one trial once the cooldown is over)"""
        with self._lock:
            if self.opened_at is None:
                return True
            if not self._trial and self.clock() - self.opened_at >= self.cooldown:
                self._trial = True
                return True
            return False

    def success(self) -> None:
        with self._lock:
            self.failures, self.opened_at, self._trial, self.reason = 0, None, False, None

    def failure(self, reason: str, *, trip: bool = False) -> None:
        with self._lock:
            self.failures += 1
            self.reason = reason
            if trip or self._trial or self.failures >= self.threshold:
                self.opened_at = self.clock()
            self._trial = False
