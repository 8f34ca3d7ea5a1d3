"""The learner's pseudonymous xAPI account: the name a learning record store knows them by."""

import uuid

from django.conf import settings
from django.db import models


class XapiAccount(models.Model):
    """A random name per learner, made once and kept: it says nothing of who the learner is,
    and stays the same across exports, whatever else about the learner changes."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="xapi_account"
    )
    name = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.name}"
