"""The texts of the failures the guard raises: what came, why nothing answered, what to do.

Each message names the request (credentials redacted), the stubs that were asked and why
each declined, and only fixes that work: the ``serve()`` call that would answer it, the
likely URL mistake when the path is not Smartcar's, and the opt-out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pytest_smartcar.calls import describe_request
from pytest_smartcar.hosts import is_smartcar_host, normalize_host

if TYPE_CHECKING:
    from pytest_smartcar.endpoints import Match
    from pytest_smartcar.engine import SmartcarStub
    from pytest_smartcar.exchange import SmartcarRequest
    from pytest_smartcar.stubs import ServedStub

__all__ = ["blocked", "dns_refused", "stray", "stray_from_test", "unmatched", "wrong_url_hint"]

DOCS = "https://pytest-smartcar.readthedocs.io/en/latest"
OPT_OUT = (
    "To let unanswered Smartcar requests reach the real API on purpose, run with "
    "--smartcar-allow-network (ini: smartcar_allow_network = true)."
)
_API_HOSTS = {
    "api.smartcar.com": "/v2.0",
    "vehicle.api.smartcar.com": "/v3",
    "management.api.smartcar.com": "/v3",
}
#: The hosts Smartcar documents an API on (any other subdomain is probably a typo).
_KNOWN_HOSTS = frozenset(
    {
        "api.smartcar.com",
        "vehicle.api.smartcar.com",
        "management.api.smartcar.com",
        "management.smartcar.com",
        "auth.smartcar.com",
        "iam.smartcar.com",
    }
)


def _handle(engines: Sequence[SmartcarStub]) -> str:
    """How the user names the innermost engine in their own code."""
    return engines[-1].name if engines else "smartcar_error"


def unmatched(
    request: SmartcarRequest,
    match: Match | None,
    refusals: Sequence[tuple[ServedStub, str]],
    engines: Sequence[SmartcarStub],
) -> str:
    """No active stub answers a Smartcar request."""
    what = (
        f"endpoint {match.endpoint.name}"
        if match
        else "a path not in pytest-smartcar's endpoint table"
    )
    lines = [f"pytest-smartcar: no stub answers {describe_request(request)} ({what})."]
    if refusals:
        lines.append("Active stubs, newest first, and why each did not match:")
        lines += [f"  - {stub.describe()}: {reason}" for stub, reason in refusals]
    elif engines:
        lines.append("Nothing is served yet: no serve() call or marker declared a stub.")
    else:
        lines.append(
            "No stub is active: the plugin refuses every Smartcar request that no stub "
            "answers, in every test and fixture."
        )
    hint = wrong_url_hint(request) if match is None else None
    if hint:
        lines.append(f"The URL is probably wrong: {hint}")
    target = f'endpoint="{match.endpoint.name}"' if match else 'endpoint="*"'
    handle = _handle(engines)
    if engines:
        lines.append(
            "The request was not sent to the network. To answer it, serve an error "
            f'({handle}.serve("KEY", {target})) or a success ({handle}.succeed({target})).'
        )
    else:
        lines.append(
            "The request was not sent to the network. To answer it, use the smartcar_error "
            f'fixture and serve it (smartcar_error.serve("KEY", {target}) or '
            f'@pytest.mark.smartcar_error("KEY", {target})), or wrap the code in '
            f'"with stub_smartcar() as stub: stub.serve(...)".'
        )
    lines.append(OPT_OUT)
    return "\n".join(lines)


def wrong_url_hint(request: SmartcarRequest) -> str | None:
    """What is probably wrong with a Smartcar URL that names no endpoint of the table:
    a missing or misspelt API version, an API version on the wrong host, an unknown
    subdomain, a trailing slash or the wrong method."""
    host = normalize_host(request.host)
    path = request.path
    version = _API_HOSTS.get(host)
    if host == "api.smartcar.com" and path.startswith("/v3/"):
        return "API V3 is served on vehicle.api.smartcar.com (https://vehicle.api.smartcar.com/v3/...)."
    if host == "vehicle.api.smartcar.com" and path.startswith(("/v1", "/v2")):
        return (
            "API v2.0 (and v1.0) is served on api.smartcar.com (https://api.smartcar.com/v2.0/...)."
        )
    if version == "/v2.0" and path.startswith("/v2/"):
        return "Smartcar's v2.0 paths start with /v2.0/, not /v2/."
    if version and not path.startswith(("/v1", "/v2", "/v3")):
        return f"the path has no API version; Smartcar's paths on {host} start with {version}/."
    if is_smartcar_host(host) and host not in _KNOWN_HOSTS:
        known = ", ".join(sorted(_KNOWN_HOSTS))
        return f"{host} serves no documented Smartcar API (documented hosts: {known})."
    return _near_miss(request)


def _near_miss(request: SmartcarRequest) -> str | None:
    """What the request would match with its trailing slash dropped, another ``action``
    in its body, or another method."""
    from pytest_smartcar import endpoints as ep
    from pytest_smartcar.hosts import host_map

    hosts = host_map()
    url = (request.scheme, request.host, request.port)
    method, path = request.method.upper(), request.path
    if len(path) > 1 and path.endswith("/"):
        found = ep.identify(hosts, *url, method, path.rstrip("/"), request.body)
        if found is not None:
            return f"drop the trailing slash: {path.rstrip('/')} is endpoint {found.endpoint.name}."
    actions = sorted(
        {m.endpoint.action for m in ep._candidates(hosts, *url, method, path) if m.endpoint.action}
    )
    if actions:
        return f'{method} {path} needs a JSON body with "action": one of {", ".join(actions)}.'
    others = sorted(
        {
            f"{other} ({m.endpoint.name})"
            for other in ("GET", "POST", "PUT", "DELETE", "PATCH")
            if other != method
            for m in ep._candidates(hosts, *url, other, path)
        }
    )
    if others:
        return f"this path answers {', '.join(others)}, not {method}."
    return None


def blocked(method: str, url: str) -> str:
    """A request to another host while ``block_unmatched`` is on."""
    from pytest_smartcar.redact import redact_url

    return (
        f"pytest-smartcar blocked {method} {redact_url(url)}: block_unmatched is on "
        "(--smartcar-block-unmatched), so requests to hosts that are not Smartcar's fail "
        "instead of reaching the network. Mock that host yourself or turn the option off."
    )


def stray(request: SmartcarRequest, owner: SmartcarStub) -> str:
    """A thread started under one stub made a request after that stub stopped."""
    return (
        f"pytest-smartcar: refused {describe_request(request)} from thread "
        f"{_thread_name()!r}: the thread was started while the stub opened at "
        f"{owner.origin} was active, and that stub has stopped. Its requests are not "
        "answered by (or counted for) later stubs. Stop or join the thread before its test "
        "ends."
    )


def stray_from_test(request: SmartcarRequest, started_by: str, now: str | None) -> str:
    """A thread started by one test made a request after that test ended."""
    during = f"during {now}" if now else "between tests"
    return (
        f"pytest-smartcar: refused {describe_request(request)} from thread "
        f"{_thread_name()!r}: the thread was started by {started_by}, which has ended, and "
        f"the request came {during}. A thread's requests are not answered by (or counted "
        "for) a later test's stubs. Stop or join the thread before its test ends, or start "
        "it in a module- or session-scoped fixture if it serves many tests."
    )


def dns_refused(host: str) -> str:
    """A client the plugin does not intercept tried to resolve a Smartcar host."""
    return (
        f"pytest-smartcar: refused to resolve {host!r}: a client the plugin does not "
        "intercept (urllib, urllib3 used directly, a raw socket ...) tried to reach "
        "Smartcar. Stubs answer httpx, requests and aiohttp; call Smartcar through one of "
        f"them, or mock this client yourself. {OPT_OUT}"
    )


def _thread_name() -> str:
    import threading

    return threading.current_thread().name
