"""This machine's network address, for tests that check what listens beyond localhost."""
from __future__ import annotations

import socket
from typing import Optional


def public_address() -> Optional[str]:
    """This machine's address on its network (no packet is sent), or None."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address
