"""Data-IP deposit benchmark: a data set of --gigabytes uploaded to the production server,
fingerprinted by the registry as it arrives, never held in memory.

    .venv/bin/python bench/dataip_upload_bench.py [--gigabytes 2] [--workers 1]

Writes a file of random bytes in a temporary directory (its SHA-256 computed here as it is
written), sets up a verified organisation with an API token in a fresh SQLite database, starts
`ipx serve` and drafts a data product through the API with the file as its deposit (multipart,
streamed from disk by httpx). Prints `NAME VALUE` lines: the upload's seconds and MB/s, whether
the registry's fingerprint equals the one computed here, and the server processes' peak
resident memory (VmHWM, the largest of its processes) before and during the upload, against
the file's size: the claim under test is that the peak does not grow with the file.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from auction_bench import ROOT, free_port, production_environment, wait_until_up

CHUNK = 8 * 1024 * 1024


def write_data_set(path: Path, size: int) -> str:
    digest, left = hashlib.sha256(), size
    with path.open("wb") as out:
        while left:
            chunk = os.urandom(min(CHUNK, left))
            digest.update(chunk)
            out.write(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def prepare() -> tuple[int, str]:
    """A verified organisation and its member's API token: (organisation id, token)."""
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    logging.disable(logging.INFO)
    call_command("migrate", verbosity=0)
    from ipx.accounts.models import ApiToken
    from ipx.accounts.tokens import TokenInput, api_token_create
    from ipx.testing.factories import MembershipFactory, UserFactory

    member = MembershipFactory.create(user=UserFactory.create(email="dataip-bench@example.com"))
    token = api_token_create(user=member.user, token=TokenInput(
        name="dataip bench", scopes=(ApiToken.Scope.READ.value, ApiToken.Scope.WRITE.value)))[1]
    return member.organisation.pk, token


def group_peak_kib(group: int) -> int:
    """The largest peak resident size (VmHWM, KiB) among the live processes of a process group."""
    peak = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) != group:
                continue
            for line in (stat.parent / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except (OSError, IndexError, ValueError):
            continue
    return peak


APPLICATION = {
    "name": "上传基准数据集", "description": "随机字节，用于测量登记机构接收大文件。", "industry": "I", "source": "01",
    "collection_method": "基准脚本生成", "lawful_basis": "不含个人信息", "records": "1", "size_bytes": "1",
    "structure": "二进制", "update_frequency": "once", "span_from": "2026-01-01", "span_until": "2026-01-01",
    "restrictions": "", "fingerprint": "", "fingerprint_of": "data_set",
}
SAMPLE = "字段,值\nA,1\nB,2\n".encode()


def main() -> None:
    import httpx

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args()
    var_dir = production_environment("ipx-dataip-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{var_dir / 'bench.sqlite3'}")
    size = int(options.gigabytes * 1000 ** 3)
    data_set = var_dir / "data-set.bin"
    server: subprocess.Popen[bytes] | None = None
    try:
        started = time.monotonic()
        expected = write_data_set(data_set, size)
        print(f"file_bytes {size}\nfile_write_seconds {time.monotonic() - started:.1f}", flush=True)
        organisation_id, token = prepare()
        from django.db import connections

        connections.close_all()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "ipx"), "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(options.workers), "--no-worker"],
            env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        wait_until_up(f"{base}/dataip/verify/")
        with httpx.Client(timeout=60) as warm:  # the first request loads the application
            warm.get(f"{base}/api/v1/dataip/products", headers={"Authorization": f"Bearer {token}"})
        before = group_peak_kib(server.pid)
        with data_set.open("rb") as file, httpx.Client(timeout=3600) as http:
            started = time.monotonic()
            answer = http.post(f"{base}/api/v1/dataip/products", headers={"Authorization": f"Bearer {token}"},
                               data={**APPLICATION, "registrant_id": str(organisation_id)},
                               files={"sample": ("sample.csv", SAMPLE, "text/csv"),
                                      "deposit": ("data-set.bin", file, "application/octet-stream")})
            seconds = time.monotonic() - started
        during = group_peak_kib(server.pid)
        body = answer.json()
        print(f"status {answer.status_code}")
        if answer.status_code != 201:
            print(f"answer {str(body)[:500]}")
        print(f"upload_seconds {seconds:.1f}\nupload_mb_per_s {size / 1e6 / seconds:.1f}")
        print(f"fingerprint_matches {body.get('fingerprint') == expected}")
        print(f"server_peak_rss_mib_before {before / 1024:.0f}\nserver_peak_rss_mib_after {during / 1024:.0f}")
        print(f"peak_growth_mib {(during - before) / 1024:.0f}\nfile_mib {size / 1024 ** 2:.0f}")
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
