"""SQLite's per-migration floor with retort's guarantees (issue 14 item 3): times, interleaved,
retort's `upgrade head` of the R = 200 bench chain, the `sqlite3` client running the chain with a
transaction per migration, and the same client also running the SQL retort adds to each
migration (`PRAGMA foreign_keys` off/on, `BEGIN IMMEDIATE`, the version table's re-read, a
savepoint, the log row, `PRAGMA foreign_key_check`). Needs a `bench/run` of R = 200 on SQLite
first (its workspace and stash). `python3 bench/sqlite_floor.py [runs]`"""
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

WORK = pathlib.Path(__file__).resolve().parent / "work"
CHAIN = WORK / "retort-r200"
PER_MIGRATION = WORK / "stash" / "r200-up-tpm-sqlite.sql"
LOG_TABLE = (
    "CREATE TABLE vlog (id INTEGER PRIMARY KEY AUTOINCREMENT, revision VARCHAR(255) NOT NULL, "
    "direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, file_name VARCHAR(255), "
    "applied_at TEXT NOT NULL, duration_ms INTEGER, retort_version VARCHAR(32));\n"
)


def with_retort_sql(script: str) -> str:
    """`script` (one `BEGIN; ... COMMIT;` block per migration) with, around each migration, the
    statements retort's SQLite backend adds."""
    out = [LOG_TABLE]
    for i, block in enumerate(script.split("BEGIN;\n")):
        if not block.strip():
            continue
        if "CREATE TABLE alembic_version" in block:
            out.append("BEGIN;\n" + block)
            continue
        out.append(
            "PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;\nSELECT version_num FROM alembic_version;\n"
            "SAVEPOINT b;\n" + block.replace("COMMIT;\n", "")
            + "INSERT INTO vlog (revision, direction, checksum, file_name, applied_at, duration_ms,"
            f" retort_version) VALUES ('r{i}', 'upgrade', '8855390217085c97', 'r{i}_x.rs',"
            " strftime('%Y-%m-%d %H:%M:%f', 'now'), 1, '0.1.0');\n"
            "RELEASE b;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;\n"
        )
    return "".join(out)


def timed(argv, cwd=None, stdin=None) -> float:
    f = open(stdin) if stdin else None
    t0 = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True, stdin=f)
    elapsed = time.perf_counter() - t0
    if f:
        f.close()
    return elapsed


def main(runs: int) -> None:
    for need in (CHAIN / "bin" / "cli", PER_MIGRATION):
        if not need.exists():
            sys.exit(f"sqlite_floor: {need} is missing: run `bench/run --db sqlite --n 100 --r 200` first")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        floor = tmp / "floor.sql"
        floor.write_text(with_retort_sql(PER_MIGRATION.read_text()))
        times = {"retort": [], "client": [], "client + retort's SQL": []}
        for k in range(runs):
            db = lambda name: str(tmp / f"{name}-{k}.db")
            times["retort"].append(timed(["./bin/cli", "--url", f"sqlite://{db('r')}?mode=rwc", "-q", "upgrade", "head"], cwd=CHAIN))
            times["client"].append(timed(["sqlite3", "-bail", db("c")], stdin=PER_MIGRATION))
            times["client + retort's SQL"].append(timed(["sqlite3", "-bail", db("f")], stdin=floor))
    m = {k: statistics.median(v) for k, v in times.items()}
    print(" | ".join(f"{k} {v * 1000:.0f} ms" for k, v in m.items()))
    r, c, f = m["retort"], m["client"], m["client + retort's SQL"]
    print(f"retort / client {r / c:.2f}x, retort / (client + retort's SQL) {r / f:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
