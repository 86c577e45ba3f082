"""Check the committed translations: every .po entry translated (and not fuzzy), and every
.mo compiled from its current .po. Exits 1 with the problems listed."""

from __future__ import annotations

import gettext
import sys
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "src" / "ipx" / "locale"


def main() -> int:
    problems: list[str] = []
    po_files = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))
    for po_path in po_files:
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(f"{mo_path}: missing; run `make messages`")
            continue
        with mo_path.open("rb") as handle:
            compiled = gettext.GNUTranslations(handle)
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            translated = message.string if isinstance(message.string, str) else message.string[0]
            if message.fuzzy or not translated:
                problems.append(f"{po_path.parent.parent.name}: untranslated or fuzzy: {msgid[:60]!r}")
                continue
            context = message.context
            key = f"{context}\x04{msgid}" if context else msgid
            if compiled._catalog.get(key if isinstance(message.id, str) else (key, 0)) != translated:  # type: ignore[attr-defined]
                problems.append(f"{mo_path}: out of date for {msgid[:60]!r}; run `make messages`")
                break
    for problem in problems[:50]:
        print(problem)
    if len(problems) > 50:
        print(f"... and {len(problems) - 50} more")
    print(f"translations: {len(po_files)} catalogues, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
