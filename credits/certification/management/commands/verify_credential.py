import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from credits.certification.credentials.keys import resolve_platform_key
from credits.certification.credentials.multikey import (
    InvalidMultikey,
    public_key_bytes_from_multikey,
)
from credits.certification.credentials.verification import (
    KeyResolver,
    StatusListResolver,
    VerificationResult,
    verify_credential,
)


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"Cannot read the {what} {path}: {error}") from error


def verify_credential_file(
    path: Path,
    *,
    key: str | None = None,
    status_list_path: Path | None = None,
    resolve_status_list: StatusListResolver | None = None,
) -> VerificationResult:
    """Verify the credential in ``path``.

    Keys: ``key`` (a public Multikey the user vouches for as the issuer's) if given, else
    the platform's own key for key ids under this site. Status lists: the credential in
    ``status_list_path`` if given, else ``resolve_status_list`` (the platform's
    database-backed lookup), else none, in which case a credential with a status entry
    fails its status check rather than passing unchecked.
    """
    document = _read_json(path, "credential")
    resolve_key: KeyResolver
    if key is not None:
        try:
            trusted = public_key_bytes_from_multikey(key)
        except InvalidMultikey as error:
            raise CommandError(f"--key: {error}") from error

        def resolve_key(method: str) -> bytes | None:
            return trusted

    else:
        resolve_key = resolve_platform_key
    if status_list_path is not None:
        status_list = _read_json(status_list_path, "status list")

        def resolve_status_list(url: str) -> dict[str, Any] | None:
            return status_list

    return verify_credential(
        document,
        resolve_key=resolve_key,
        resolve_status_list=resolve_status_list or (lambda url: None),
    )


class Command(BaseCommand):
    help = (
        "Verify an Open Badges 3.0 credential file offline: its eddsa-rdfc-2022 proof, that "
        "the key belongs to its issuer, its validity dates, its revocation status and the "
        "OB 3.0 schema. Prints every check and exits non-zero if any fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the credential (JSON)")
        parser.add_argument(
            "--key",
            help="the issuer's public key as a Multikey (z6Mk…); default: this platform's key",
        )
        parser.add_argument(
            "--status-list",
            type=Path,
            help="the BitstringStatusListCredential (JSON) the credential's status points to",
        )

    def handle(self, *args, **options):
        resolver_path = getattr(settings, "CREDENTIAL_STATUS_LIST_RESOLVER", None)
        result = verify_credential_file(
            options["file"],
            key=options["key"],
            status_list_path=options["status_list"],
            resolve_status_list=import_string(resolver_path) if resolver_path else None,
        )
        for check in result.checks:
            if check.ok:
                self.stdout.write(self.style.SUCCESS(f"ok    {check.name}: {check.message}"))
            else:
                self.stderr.write(
                    self.style.ERROR(f"FAIL  {check.name} [{check.code}]: {check.message}")
                )
        if not result.ok:
            raise CommandError(f"Credential NOT verified: {', '.join(result.failure_codes)}.")
        self.stdout.write(self.style.SUCCESS("Credential verified."))
