#!/usr/bin/env python3
"""Interleaved A/B of retort binaries on the bench's R = 200 chain.

    bench/ab.py <sqlite|postgres|mysql> <runs> <tag>=<cli binary> [<tag>=<cli binary> ...]

Each run, for each binary (order alternating): a fresh database, `upgrade head`, then
`downgrade base`, with retort's default (a transaction per migration) and with
`transaction_per_migration = false` (`-1tx`); prints the medians and their ratio to the first
binary. Needs `bench/run --quick` to have made bench/work/retort-r200 (the chain and its
`retort-onetx.toml`); a binary of another checkout is that checkout's
bench/work/retort-r200/bin/cli. Servers as in bench/bench.py (127.0.0.1, postgres / root).
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

WS = Path(__file__).resolve().parent / "work" / "retort-r200"


def reset(db: str) -> str:
    if db == "mysql":
        subprocess.run(["mariadb", "-h127.0.0.1", "-uroot", "-e", "DROP DATABASE IF EXISTS bench_ab; CREATE DATABASE bench_ab"], check=True)
        return "mysql://root@127.0.0.1:3306/bench_ab"
    if db == "postgres":
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", "DROP DATABASE IF EXISTS bench_ab WITH (FORCE)", "-c", "CREATE DATABASE bench_ab"], check=True, capture_output=True)
        return "postgres://postgres@127.0.0.1:5432/bench_ab"
    path = WS.parent / "db" / "bench_ab.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return f"sqlite://{path}?mode=rwc"


def main() -> None:
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    db, runs = sys.argv[1], int(sys.argv[2])
    binaries = [a.split("=", 1) for a in sys.argv[3:]]
    variants = [(tag + suffix, b, cfg) for tag, b in binaries for suffix, cfg in (("", []), ("-1tx", ["-c", "retort-onetx.toml"]))]
    times: dict[str, dict[str, list[float]]] = {v[0]: {"upgrade head": [], "downgrade base": []} for v in variants}
    for i in range(runs):
        for tag, binary, cfg in variants if i % 2 == 0 else variants[::-1]:
            url = reset(db)
            for measure in ("upgrade head", "downgrade base"):
                t = time.perf_counter()
                r = subprocess.run([binary, "--url", url, *cfg, *measure.split()], capture_output=True, cwd=WS)
                times[tag][measure].append((time.perf_counter() - t) * 1000)
                if r.returncode:
                    sys.exit(f"{tag} {measure} failed:\n{r.stderr.decode()[-800:]}")
    for measure in ("upgrade head", "downgrade base"):
        for suffix in ("", "-1tx"):
            first = statistics.median(times[binaries[0][0] + suffix][measure])
            cells = [f"{tag}{suffix} {statistics.median(times[tag + suffix][measure]):.0f} ms ({statistics.median(times[tag + suffix][measure]) / first:.2f}x)" for tag, _ in binaries]
            print(f"{db} {measure}{suffix}: " + "  ".join(cells))


if __name__ == "__main__":
    main()
