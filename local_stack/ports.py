"""Loopback ports: pick a free one, or check that a requested one is free."""

import socket


class PortTaken(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_free(port: int, what: str, env_var: str) -> int:
    """Fail with one line that names the fix when the port is in use."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise PortTaken(
                f"port {port} for {what} is already in use: set {env_var} to a free port, "
                "or unset it to let the stack pick one"
            ) from None
    return port


def choose_port(requested: str | None, what: str, env_var: str) -> int:
    if not requested:
        return free_port()
    if not requested.isdigit():
        raise PortTaken(f"{env_var}={requested!r} is not a port number: set it to e.g. 4567, or unset it")
    return require_free(int(requested), what, env_var)
