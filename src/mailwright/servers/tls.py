"""TLS for the mail listeners: one server context from the configured certificate and key."""

from __future__ import annotations

import ssl
from pathlib import Path

from mailwright.model.errors import ConfigurationError


def server_context(certificate: Path, private_key: Path) -> ssl.SSLContext:
    """A server-side context: TLS 1.2 or newer, Python's secure default ciphers.

    Raises:
        ConfigurationError: the files are missing or do not form a key pair.
    """
    # A bare server context: no system CA store, since clients are never asked for certificates.
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certificate, private_key)
    except (OSError, ssl.SSLError) as error:
        raise ConfigurationError(
            f"Cannot load the TLS certificate {certificate} and key {private_key}: {error}"
        ) from None
    return context
