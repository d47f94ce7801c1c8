"""Who may reach a server we start: loopback is private; any other address needs a login."""
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
