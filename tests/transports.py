"""One small client interface over httpx (sync, async), requests and aiohttp, so engine
scenarios are written once and run over every transport the plugin supports."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import httpx
import requests

from pytest_smartcar import SmartcarError


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # lower-case names
    content: bytes
    raw: Any

    def json(self) -> Any:
        import json

        return json.loads(self.content)

    @property
    def parsed(self) -> SmartcarError:
        return SmartcarError.from_response(self.raw)


class Fault(Exception):
    """A transport failure, normalised: kind is 'timeout' or 'connect_error'."""

    def __init__(self, kind: str, origin: BaseException) -> None:
        super().__init__(kind)
        self.kind = kind
        self.origin = origin


class Transport:
    name = ""

    def request(self, method: str, url: str, **kw: Any) -> Reply:
        raise NotImplementedError

    def get(self, url: str, **kw: Any) -> Reply:
        return self.request("GET", url, **kw)

    def post(self, url: str, **kw: Any) -> Reply:
        return self.request("POST", url, **kw)


def _httpx_reply(r: httpx.Response) -> Reply:
    return Reply(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content, r)


@contextlib.contextmanager
def _httpx_faults() -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        raise Fault("timeout", exc) from exc
    except httpx.ConnectError as exc:
        raise Fault("connect_error", exc) from exc


class HttpxSync(Transport):
    name = "httpx-sync"

    def request(self, method: str, url: str, **kw: Any) -> Reply:
        with _httpx_faults(), httpx.Client() as client:
            return _httpx_reply(client.request(method, url, **kw))


class HttpxAsync(Transport):
    name = "httpx-async"

    def request(self, method: str, url: str, **kw: Any) -> Reply:
        async def go() -> httpx.Response:
            async with httpx.AsyncClient() as client:
                return await client.request(method, url, **kw)

        with _httpx_faults():
            return _httpx_reply(asyncio.run(go()))


class Requests(Transport):
    name = "requests"

    def request(self, method: str, url: str, **kw: Any) -> Reply:
        try:
            r = requests.request(method, url, timeout=5, **kw)
        except requests.Timeout as exc:
            raise Fault("timeout", exc) from exc
        except requests.ConnectionError as exc:
            raise Fault("connect_error", exc) from exc
        return Reply(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content, r)


class Aiohttp(Transport):
    name = "aiohttp"

    def request(self, method: str, url: str, **kw: Any) -> Reply:
        async def go() -> tuple[aiohttp.ClientResponse, bytes]:
            async with aiohttp.ClientSession() as session, session.request(method, url, **kw) as r:
                return r, await r.read()

        try:
            r, content = asyncio.run(go())
        except asyncio.TimeoutError as exc:  # aiohttp's ServerTimeoutError is one
            raise Fault("timeout", exc) from exc
        except aiohttp.ClientConnectorError as exc:
            raise Fault("connect_error", exc) from exc
        return Reply(r.status, {k.lower(): v for k, v in r.headers.items()}, content, r)


TRANSPORTS = [HttpxSync(), HttpxAsync(), Requests(), Aiohttp()]
