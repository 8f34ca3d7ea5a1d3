"""Fetching what a credential names from the site itself, as a wallet or verifier would."""

from urllib.parse import urlsplit

from django.conf import settings


def fetch(client, url: str):
    """GET ``url`` (fragment dropped) from the site through the test client, on the host and
    scheme the URL names."""
    parts = urlsplit(url)
    return client.get(parts.path, secure=parts.scheme == "https", headers={"host": parts.netloc})


def our_urls(document) -> set[str]:
    """Every string in ``document`` that names a URL under the credential base URL."""
    base = settings.CREDENTIAL_BASE_URL.rstrip("/") + "/"
    found: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and value.startswith(base):
            found.add(value)

    walk(document)
    return found


def node_ids(document) -> set[str]:
    ids: set[str] = set()

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("id"), str):
                ids.add(value["id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(document)
    return ids


def profile_key_resolver(client):
    """A key resolver that trusts only what the issuer profile served on the site lists."""
    from credits.certification.credentials.multikey import public_key_bytes_from_multikey

    def resolve(method: str) -> bytes | None:
        response = fetch(client, method)
        if response.status_code != 200:
            return None
        for entry in response.json().get("verificationMethod", []):
            if entry.get("id") == method and method in response.json().get("assertionMethod", []):
                return public_key_bytes_from_multikey(entry["publicKeyMultibase"])
        return None

    return resolve


def site_status_lists(client):
    def resolve(url: str):
        response = fetch(client, url)
        return response.json() if response.status_code == 200 else None

    return resolve
