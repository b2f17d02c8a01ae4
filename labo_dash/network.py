"""The address phones use to reach the app: ``LABO_BASE_URL``, else the machine's local-network address.

At a seminar the app runs on an organiser's laptop and the phones join over the venue's Wi-Fi: a QR code
pointing to ``localhost`` reaches nobody. So, unless ``LABO_BASE_URL`` says otherwise, the server finds its
own IPv4 address on the local network at start-up (``ifaddr`` enumerates the interfaces; nothing is sent
on the network) and uses it for the badges and the projection's QR code.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

import ifaddr

from labo_dash import config
from labo_dash.config import DETECTED_VARIABLE  # "1" when configure_base_url found LABO_BASE_URL itself

LOOPBACK_URL = "http://localhost:{port}"


def lan_addresses() -> list[str]:
    """Return this machine's IPv4 addresses other than loopback and link-local, private ones first."""
    found = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if not ip.is_IPv4:
                continue
            address = ipaddress.IPv4Address(ip.ip)
            if address.is_loopback or address.is_link_local or address.is_unspecified:
                continue
            found.append(address)
    return [str(a) for a in sorted(set(found), key=lambda a: (not a.is_private, int(a)))]


def detect_base_url(port: int, bind_address: str | None = None) -> str:
    """Return ``http://ADDRESS:PORT`` for phones: the address the server is bound to when it is a specific
    one (``--server.address``), else the first local-network address, else localhost (no network)."""
    if bind_address and bind_address not in ("0.0.0.0", "::"):
        host = f"[{bind_address}]" if ":" in bind_address else bind_address
        return f"http://{host}:{port}"
    addresses = lan_addresses()
    return f"http://{addresses[0]}:{port}" if addresses else LOOPBACK_URL.format(port=port)


def configure_base_url(port: int, bind_address: str | None = None) -> tuple[str, bool]:
    """Set ``LABO_BASE_URL`` for this process unless set; return (the URL, whether it was detected).

    A detected address is marked (``LABO_BASE_URL_DETECTED=1``) so that the pages say where it comes from
    (:func:`address_origin`)."""
    configured = config.current().base_url
    if configured:
        os.environ.pop(DETECTED_VARIABLE, None)
        return configured, False
    url = detect_base_url(port, bind_address)
    os.environ["LABO_BASE_URL"] = url  # the process's environment: read again by config.current()
    os.environ[DETECTED_VARIABLE] = "1"
    return url, True


def detected() -> bool:
    """Tell whether this process's ``LABO_BASE_URL`` was detected at start-up (not set by the organisers)."""
    settings = config.current()
    return settings.base_url_detected or not settings.base_url


def address_origin() -> str:
    """Return the French sentence saying where the phones' address comes from, for the badges and /admin.

    Detected (or no ``LABO_BASE_URL`` at all): ``L'adresse est celle de cette machine sur le réseau du lieu,
    détectée au démarrage ; ...``; set by the organisers: ``L'adresse vient de la variable ...``.
    """
    if detected():
        return ("L'adresse est celle de cette machine sur le réseau du lieu, détectée au démarrage ; la "
                "variable d'environnement LABO_BASE_URL la remplace (une adresse publique, par exemple).")
    return ("L'adresse vient de la variable d'environnement LABO_BASE_URL, fixée au lancement de "
            "l'application ; changez-la pour utiliser une autre adresse.")


def is_loopback_url(url: str) -> bool:
    """Tell whether ``url`` points to this machine only (localhost, 127.x, ::1): no phone can reach it."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
