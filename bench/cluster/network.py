"""Web hosts as network namespaces: each has its own network stack and address on a
bridge (10.77.0.0/24) that the load balancer, PostgreSQL and Redis reach from the
machine's own namespace at 10.77.0.1. Processes run in a host with ``ip netns exec``."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess

BRIDGE = "consultbr0"
GATEWAY = "10.77.0.1"
PREFIX = "consult-web"


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


def host_address(number: int) -> str:
    return f"10.77.0.{10 + number}"


def namespace(number: int) -> str:
    return f"{PREFIX}{number}"


def down(count: int = 9) -> None:
    """Remove what an earlier run left (namespaces, their links, the bridge)."""
    for number in range(1, count + 1):
        kill_host(number)
        _ip("netns", "del", namespace(number), check=False)
        _ip("link", "del", f"cweb{number}", check=False)
    _ip("link", "del", BRIDGE, check=False)


def up(count: int) -> list[str]:
    """The bridge and ``count`` hosts; returns their addresses."""
    down()
    _ip("link", "add", BRIDGE, "type", "bridge")
    _ip("addr", "add", f"{GATEWAY}/24", "dev", BRIDGE)
    _ip("link", "set", BRIDGE, "up")
    addresses = []
    for number in range(1, count + 1):
        ns, outside = namespace(number), f"cweb{number}"
        _ip("netns", "add", ns)
        _ip("link", "add", outside, "type", "veth", "peer", "name", "eth0", "netns", ns)
        _ip("link", "set", outside, "master", BRIDGE)
        _ip("link", "set", outside, "up")
        _ip("-n", ns, "addr", "add", f"{host_address(number)}/24", "dev", "eth0")
        _ip("-n", ns, "link", "set", "eth0", "up")
        _ip("-n", ns, "link", "set", "lo", "up")
        addresses.append(host_address(number))
    return addresses


def in_host(number: int, command: list[str]) -> list[str]:
    return ["ip", "netns", "exec", namespace(number), *command]


def host_pids(number: int) -> list[int]:
    done = _ip("netns", "pids", namespace(number), check=False)
    return [int(pid) for pid in done.stdout.split()]


def kill_host(number: int) -> int:
    """SIGKILL every process of the host, as a machine that loses power; returns how
    many there were."""
    pids = host_pids(number)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(pids)
