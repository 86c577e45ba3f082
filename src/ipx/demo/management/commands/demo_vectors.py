from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from ipx.demo.loader import demo_loaded
from ipx.demo.vectors import VECTORS_FILE, build_vectors_file
from ipx.matching.retrieval import ModelUnavailable, get_embedder


class Command(BaseCommand):
    help = ("The demo's shipped vectors. `ipx demo-vectors build` writes the vectors of every published "
            "listing's passages and every demo demand (passages and query) into "
            "src/ipx/demo/data/demo_vectors.npz, embedding only what var/embeddings lacks; run it after "
            "`ipx demo` whenever the demo's texts or the embedding model change, and commit the file.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["build"])
        parser.add_argument("--output", type=Path, default=VECTORS_FILE, help="where to write the file")

    def handle(self, *args: Any, action: str, output: Path, verbosity: int, **options: Any) -> None:
        if not demo_loaded():
            raise CommandError("the demo is not loaded: run `ipx demo` first (the file covers its listings)")
        try:
            embedder = get_embedder()
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from exc
        with tqdm(desc="vectors", unit="", disable=verbosity < 1, leave=False) as bar:
            def advance(done: int) -> None:
                bar.update(max(0, done - bar.n))

            written, embedded = build_vectors_file(embedder, output, advance)
        size = output.stat().st_size
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {written} vectors of {embedder.name} to {output} ({size / 1e6:.1f} MB; {embedded} embedded now)."))
