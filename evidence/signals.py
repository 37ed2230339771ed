"""A file's stored copy goes when its row does (deleted in the admin), once that is committed."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete


def remove_stored_file(sender, instance, **kwargs) -> None:
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(partial(storage.delete, name))


def connect() -> None:
    from .models import EvidenceFile

    post_delete.connect(
        remove_stored_file, sender=EvidenceFile, dispatch_uid="evidence-remove-stored-file"
    )
