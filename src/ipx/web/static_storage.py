"""Static files as deployed: WhiteNoise's compressed, fingerprinted files, each address looked
up once per process.

``{% static %}`` asks the storage for an address at every use: a page's head names four files,
and the manifest lookup, the join and the quoting were a twentieth of a signed-in page's time.
The manifest is read when the storage starts and ``collectstatic`` runs before the server
does (``ipx serve``), so an address found once holds until the process ends."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class RememberedManifestStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name: str | None, force: bool = False) -> str:
        if force or name is None:
            return str(super().url(name, force))
        address = self._addresses.get(name)
        if address is None:
            # A file missing from the manifest raises here, every time: nothing is kept.
            # Two threads may both look a name up; they find the same address.
            address = self._addresses[name] = str(super().url(name))
        return address
