"""Fallback for ``make audit`` where pip-audit cannot reach PyPI's per-release JSON (a
restricted network that serves only the project pages): reads the vulnerabilities PyPI
publishes for each locked package's *latest* release, which is the locked one whenever
the lock is current. Prints each package it could not check and why; exits 1 on any
known vulnerability. pip-audit stays the tool of record wherever it can run."""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def locked(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        if match:
            pins[match.group(1)] = match.group(2)
    return pins


def published(name: str) -> dict:
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.load(response)


def main(path: str = "requirements.lock") -> int:
    pins = locked(Path(path))
    checked, unchecked, found = 0, [], []

    def audit(item):
        name, version = item
        try:
            data = published(name)
        except Exception as error:
            return name, version, None, str(error)
        return name, version, data, None

    with ThreadPoolExecutor(8) as pool:
        for name, version, data, error in pool.map(audit, sorted(pins.items())):
            if error:
                unchecked.append(f"{name}=={version}: {error}")
            elif data["info"]["version"] != version:
                unchecked.append(f"{name}=={version}: PyPI ne publie ici que les alertes de "
                                 f"la dernière version ({data['info']['version']})")
            else:
                checked += 1
                for vulnerability in data.get("vulnerabilities") or []:
                    found.append(f"{name}=={version}: {vulnerability.get('id')} "
                                 f"{', '.join(vulnerability.get('aliases') or [])}")
    for line in unchecked:
        print("non vérifié :", line)
    for line in found:
        print("VULNÉRABILITÉ :", line)
    print(f"{checked} paquets vérifiés sur {len(pins)}, {len(found)} vulnérabilité(s) connue(s), "
          f"{len(unchecked)} non vérifiable(s) d'ici")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
