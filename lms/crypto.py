"""Encryption at rest for assessment answers and scores.

Keys come from LMS_ASSESSMENT_KEYS ("kid1:key1,kid2:key2", Fernet keys), never from
SECRET_KEY. The first key encrypts; every listed key decrypts. Each stored value
names the key that encrypted it ("kid:token"), so `rotate_assessment_key` can find
and re-encrypt the rows still under an old key.
"""

import json
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class DecryptionError(Exception):
    pass


@lru_cache(maxsize=4)
def _keyring(spec: str) -> tuple[str, dict[str, Fernet]]:
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
    return _keyring(settings.LMS_ASSESSMENT_KEYS)


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
