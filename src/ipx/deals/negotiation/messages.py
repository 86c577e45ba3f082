"""Messages in a thread: text, files, or both; the other side and its agents hear of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from ipx.accounts.models import Organisation, User
from ipx.core.errors import ValidationFailed
from ipx.core.uploads import CheckedFile, check_uploads
from ipx.core.validation import FieldErrors, clean_text
from ipx.deals.access import access_thread
from ipx.deals.models import Attachment, Message, Thread
from ipx.deals.negotiation.services import notify_sides, other_side, touch
from ipx.deals.negotiation.workflow import THREAD

MAX_MESSAGE_LENGTH = 10_000
NOTICE_TEXT_LENGTH = 500  # a notice quotes the start of a long message


def clean_message(body: object, *, has_files: bool, errors: FieldErrors) -> str:
    text = clean_text(body, field="body", errors=errors, required=False, max_length=MAX_MESSAGE_LENGTH)
    if not text and not has_files and "body" not in errors.errors:
        errors.add("body", _("Write a message or attach a file."))
    return text


def store_message(thread: Thread, *, author: User, organisation: Organisation | None, body: str,
                  files: Sequence[CheckedFile]) -> Message:
    message = Message.objects.create(thread=thread, author=author, organisation=organisation, body=body)
    for checked in files:
        attachment = Attachment(message=message)
        attachment.store(checked)
        attachment.save()
    touch(thread)
    return message


@transaction.atomic
def message_post(*, thread_id: int, actor: User, body: str, files: Sequence[IO[bytes] | Any] = ()) -> Message:
    """A party, an agent or an operator writes in an open thread, with up to five attachments."""
    thread, role = access_thread(actor, thread_id, for_update=True)
    THREAD.check(thread, "post", actor)
    errors = FieldErrors()
    text = clean_message(body, has_files=bool(files), errors=errors)
    checked = []
    if files:
        try:
            checked = check_uploads(list(files), field="files")
        except ValidationFailed as exc:
            errors.collect(exc)
    errors.raise_if_any()
    message = store_message(thread, author=actor, organisation=role.organisation, body=text, files=checked)
    writer = role.organisation.name if role.organisation else ""  # an operator: worded when read
    notify_sides(thread, [other_side(role.side)] if role.side else ["buyer", "seller"], verb="message.posted",
                 actor=actor, params={"title": thread.subject, "writer": writer,
                                      "text": text[:NOTICE_TEXT_LENGTH], "files": len(checked)})
    return message
