"""Encryption at rest for assessment answers and scores.

Keys come from LMS_ASSESSMENT_KEYS ("kid1:key1,kid2:key2", Fernet keys), never from
SECRET_KEY. The first key encrypts; every listed key decrypts. Each stored value
names the key that encrypted it ("kid:token"), so `rotate_assessment_key` can find
and re-encrypt the rows still under an old key.
"""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from lms.conf import COMMITTED_ASSESSMENT_KEYS, in_production, lms_settings


class DecryptionError(Exception):
    pass


@lru_cache(maxsize=4)
def parse_keyring(spec: str) -> tuple[str, dict[str, Fernet]]:
    keys: dict[str, Fernet] = {}
    primary = None
    for entry in filter(None, (part.strip() for part in spec.split(","))):
        kid, _, key = entry.partition(":")
        if not kid or not key or not kid.isalnum():
            raise ImproperlyConfigured("LMS_ASSESSMENT_KEYS entries look like kid:fernet-key.")
        try:
            keys[kid] = Fernet(key.encode())
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"LMS_ASSESSMENT_KEYS key {kid!r} is not a Fernet key."
            ) from exc
        primary = primary or kid
    if primary is None:
        raise ImproperlyConfigured("LMS_ASSESSMENT_KEYS is empty.")
    return primary, keys


def keyring() -> tuple[str, dict[str, Fernet]]:
    return parse_keyring(lms_settings.LMS_ASSESSMENT_KEYS)


def primary_key_id() -> str:
    return keyring()[0]


def encrypt(value) -> str:
    kid, keys = keyring()
    payload = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    return f"{kid}:{keys[kid].encrypt(payload).decode()}"


def decrypt(stored: str):
    kid, _, token = stored.partition(":")
    fernet = keyring()[1].get(kid)
    if fernet is None:
        raise DecryptionError(f"no key {kid!r} in LMS_ASSESSMENT_KEYS")
    try:
        return json.loads(fernet.decrypt(token.encode()))
    except InvalidToken as exc:
        raise DecryptionError(f"value under key {kid!r} does not decrypt") from exc


def key_id_of(stored: str) -> str:
    return stored.partition(":")[0]


class EncryptedJSONField(models.TextField):
    """A JSON value stored encrypted. It cannot be filtered on: that is the point."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        return None if value is None else encrypt(value)


# --- start-up checks ---------------------------------------------------------------------


@checks.register(checks.Tags.security)
def check_assessment_keys(app_configs=None, **kwargs):
    spec = lms_settings.LMS_ASSESSMENT_KEYS
    try:
        _primary, keys = parse_keyring(spec)
    except ImproperlyConfigured as exc:
        return [
            checks.Error(
                f"LMS_ASSESSMENT_KEYS cannot be used: {exc}",
                hint="Set it to kid:key[,kid:key…] with Fernet keys; see the README.",
                id="lms.E001",
            )
        ]
    committed = [kid for kid, raw in raw_keys(spec) if raw in COMMITTED_ASSESSMENT_KEYS]
    if in_production() and committed:
        return [
            checks.Error(
                "LMS_ASSESSMENT_KEYS holds a key committed to the repository "
                f"({', '.join(committed)}): assessment data would not be protected.",
                hint="Generate new Fernet keys for production and keep them out of the code.",
                id="lms.E002",
            )
        ]
    return []


def raw_keys(spec: str) -> list[tuple[str, str]]:
    pairs = []
    for entry in (spec or "").split(","):
        kid, _, raw = entry.strip().partition(":")
        if raw:
            pairs.append((kid.strip(), raw.strip()))
    return pairs
