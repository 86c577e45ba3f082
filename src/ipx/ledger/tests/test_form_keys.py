"""The retry key a page's form sends: read as the API reads an Idempotency-Key."""

from __future__ import annotations

import pytest

from ipx.core.errors import ValidationFailed
from ipx.ledger.idempotency import MAX_KEY_LENGTH, form_retry_key, new_form_key


@pytest.mark.parametrize(("sent", "read"), [(None, ""), ("", ""), ("  ", ""), (" k1 ", "k1"),
                                            ("k" * MAX_KEY_LENGTH, "k" * MAX_KEY_LENGTH)])
def test_a_key_is_read_stripped_and_none_is_empty(sent: object, read: str) -> None:
    assert form_retry_key(sent) == read


def test_the_keys_our_forms_make_are_read_as_they_are() -> None:
    key = new_form_key()
    assert form_retry_key(key) == key


@pytest.mark.parametrize("sent", ["\x00", "a\x00b", "k\x07", "k\u2028k", "k" * (MAX_KEY_LENGTH + 1)])
def test_a_key_no_form_of_ours_sends_is_refused(sent: str) -> None:
    with pytest.raises(ValidationFailed):
        form_retry_key(sent)
