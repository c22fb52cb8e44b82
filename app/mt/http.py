"""Every HTTP call an engine makes: a socket timeout, bounded retries, and our exceptions.

deep-translator calls the module-level ``requests.get``/``requests.post`` with no timeout and
lets raw ``requests`` errors escape (or, for Microsoft, swallows them and then crashes on
``None.json()``). The options, and why we picked the last one:

- run each call in a worker thread with a deadline (``future.result(timeout=…)``): the
  volunteer gets an answer, but the stuck thread and its socket live on — a slow service
  would pile them up under pretranslation;
- patch ``requests.get``/``requests.Session.request`` for the whole process, under a lock:
  touches every other library's HTTP and serialises all calls;
- **give deep-translator's engine modules their own stand-in for the name ``requests``**
  (:data:`DEEP_TRANSLATOR_REQUESTS`, installed by :func:`install`). It forwards to
  :func:`send` with the policy of the engine call in progress (a ``ContextVar``, so threads
  and concurrent requests never see each other's settings) and otherwise to real requests
  with a default timeout. The timeout is a real socket timeout (connect, and each read), so
  nothing is left running; the rest of the process is untouched.

:func:`send` retries 429 and 5xx with exponential backoff (honouring a short ``Retry-After``)
and raises our exceptions, never ``requests``' — so deep-translator never sees an error
response, and tracebacks never carry a URL with the text in its query string.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from app.mt.base import MTError

#: Used when deep-translator is called outside an engine call (never unbounded).
FALLBACK_TIMEOUT = 10.0


@dataclass(frozen=True)
class Policy:
    """How one engine call talks HTTP."""

    service: str
    timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.5
    backoff_max: float = 8.0
    #: Engine-specific reading of a response (even a 200): an error, or None for the defaults.
    classify: Callable[[requests.Response], MTError | None] | None = None

    def delay(self, attempt: int, response: requests.Response) -> float:
        """Exponential backoff; a ``Retry-After`` in seconds wins if it is not too long."""
        wait = self.backoff * (2 ** attempt)
        after = response.headers.get("Retry-After", "")
        if after.strip().isdigit():
            wait = max(wait, float(after)) if self.backoff > 0 else 0.0
        return min(wait, self.backoff_max)


_CURRENT: ContextVar[Policy | None] = ContextVar("terjime_mt_policy", default=None)


@contextmanager
def guarded(policy: Policy) -> Iterator[Policy]:
    """Within this block, deep-translator's HTTP calls follow ``policy``."""
    token = _CURRENT.set(policy)
    try:
        yield policy
    finally:
        _CURRENT.reset(token)


def current_policy() -> Policy | None:
    return _CURRENT.get()


def _default_error(response: requests.Response, service: str) -> MTError | None:
    from app.mt import base

    status = response.status_code
    if 200 <= status < 300:
        return None
    detail = f"HTTP {status}"
    if status == 429:
        return base.RateLimited(service, detail=detail)
    if status >= 500:
        return base.EngineUnavailable(service, detail=detail)
    if status in (401, 403):
        return base.AuthenticationFailed(service, detail=detail)
    if status == 456:  # DeepL: quota exceeded
        return base.QuotaExceeded(service, detail=detail)
    return base.RequestRefused(service, detail=detail)


def _error_for(response: requests.Response, policy: Policy) -> MTError | None:
    if policy.classify is not None:
        try:
            error = policy.classify(response)
        except Exception:  # a classifier must never turn a good answer into a crash
            error = None
        if error is not None:
            return error
    return _default_error(response, policy.service)


def _retryable(error: MTError, response: requests.Response) -> bool:
    from app.mt import base

    return isinstance(error, base.RateLimited) or (
        isinstance(error, base.EngineUnavailable) and response.status_code >= 500)


def send(policy: Policy, method: str, url: str, **kwargs: Any) -> requests.Response:
    """One request under ``policy``: timeout, retries on 429/5xx, our exceptions."""
    from app.mt import base

    kwargs["timeout"] = policy.timeout
    attempt = 0
    while True:
        try:
            response = requests.request(method, url, **kwargs)
        except requests.Timeout:
            raise base.EngineTimeout(
                policy.service, f"{policy.service} did not answer within "
                f"{policy.timeout:g} seconds. Try again later.", detail="timeout") from None
        except requests.RequestException as exc:
            raise base.EngineUnavailable(policy.service, detail=type(exc).__name__) from None
        error = _error_for(response, policy)
        if error is None:
            return response
        if attempt < policy.retries and _retryable(error, response):
            response.close()
            time.sleep(policy.delay(attempt, response))
            attempt += 1
            continue
        response.close()
        raise error


class _RequestsStandIn:
    """Stands in for the ``requests`` module inside deep-translator's engine modules."""

    def __getattr__(self, name: str) -> Any:  # requests.exceptions, requests.Response, …
        return getattr(requests, name)

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        policy = _CURRENT.get()
        if policy is None:
            kwargs["timeout"] = kwargs.get("timeout") or FALLBACK_TIMEOUT
            return requests.request(method, url, **kwargs)
        return send(policy, method, url, **kwargs)

    def get(self, url: str, params: Any = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, params=params, **kwargs)

    def post(self, url: str, data: Any = None, json: Any = None,
             **kwargs: Any) -> requests.Response:
        return self.request("POST", url, data=data, json=json, **kwargs)


DEEP_TRANSLATOR_REQUESTS = _RequestsStandIn()


def install(*modules: ModuleType) -> None:
    """Route ``modules``' use of ``requests`` through :data:`DEEP_TRANSLATOR_REQUESTS`."""
    for module in modules:
        module.requests = DEEP_TRANSLATOR_REQUESTS  # type: ignore[attr-defined]
