"""Who may reach a server we start, and with what: loopback is private, any other address needs
a login; a login-free server on loopback answers only loopback Host names; request bodies are
bounded before anything parses them. Shared by `rag serve` and the web app."""
from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_bind_problem(host: str, has_login: bool, insecure: bool, what: str, login_flag: str) -> str | None:
    """Why binding ``host`` must not go ahead (None when it may): anyone who reaches a
    non-loopback port could read, add and delete articles. ``--insecure-no-auth`` is for a
    proxy in front that handles logins."""
    if is_loopback(host) or has_login or insecure:
        return None
    return (f"--host {host} makes the {what} reachable from other machines, and it has no login: add "
            f"{login_flag}, or --insecure-no-auth if a proxy in front of it handles logins. See SECURITY.md.")


#: Host headers a login-free server on loopback answers to: a web page elsewhere that rebinds its
#: own name to 127.0.0.1 sends its own name, and is refused (DNS rebinding).
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]


class BodyLimit:
    """Refuses a request body over ``limit(path)`` bytes with a 413, before anything parses it:
    the declared Content-Length is checked first, then the bytes as they arrive (a chunked body
    declares none). A 100 MB chat body took the server to 2.1 GB when the cut came after parsing."""

    def __init__(self, app, limit):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "DELETE", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            return await self._too_large(scope, receive, send, limit)
        body, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            body.append(message.get("body", b""))
            more = message.get("more_body", False)
            if sum(map(len, body)) > limit:
                return await self._too_large(scope, receive, send, limit)
        whole, sent = b"".join(body), False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    @staticmethod
    async def _too_large(scope, receive, send, limit: int) -> None:
        size = f"{limit / 1e6:g} MB" if limit >= 1e6 else f"{limit // 1024} KB"
        from starlette.responses import JSONResponse  # here: `rag ask` imports this module, not starlette

        message = f"the request body is over {size}; send less (long articles: ingest files with rag-ingest)"
        response = JSONResponse({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                           "code": "request_too_large"}}, 413)
        await response(scope, receive, send)
