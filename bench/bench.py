"""retort vs Alembic vs the plain SQL client, same machine, same databases, same run.

Run through ``bench/run`` (which makes the virtual environment). See BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

import gen
from proxy import CountingProxy

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
RESULTS = HERE / "results"
VENV = HERE / ".venv"
TARGET = WORK / "target"

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
MY_HOST, MY_PORT, MY_USER = "127.0.0.1", 3306, "root"

LOG = []


def log(msg: str) -> None:
    line = f"[{time.strftime('%H:%M:%S')}] {msg}"
    print(line, flush=True)
    LOG.append(line)


def _clean_env() -> dict:
    env = dict(os.environ)
    # PYTHONDONTWRITEBYTECODE would make Alembic recompile every script on every run; a user's
    # machine caches bytecode, so the bench does too.
    for k in ("DATABASE_URL", "BENCH_URL", "BENCH_COUNT_FILE", "PGPASSWORD", "PYTHONDONTWRITEBYTECODE"):
        env.pop(k, None)
    return env


# ---------------------------------------------------------------------------------------------
# Running and timing a child process
# ---------------------------------------------------------------------------------------------


class Run:
    def __init__(self, seconds: float, maxrss_kb: int, rc: int, output: str):
        self.seconds, self.maxrss_kb, self.rc, self.output = seconds, maxrss_kb, rc, output


MEASURE = WORK / "measure"


def build_measure() -> None:
    """Compiles bench/measure.c (the timer and memory meter) into bench/work/."""
    src = HERE / "measure.c"
    if MEASURE.exists() and MEASURE.stat().st_mtime >= src.stat().st_mtime:
        return
    WORK.mkdir(exist_ok=True)
    subprocess.run(["cc", "-O2", "-o", str(MEASURE), str(src)], check=True)


def run(argv, *, cwd=None, env=None, stdin_path=None, check=False) -> Run:
    """Runs argv under bench/work/measure: wall time from fork to reaped exit, peak RSS from
    wait4's rusage, exit code."""
    out_path = WORK / "last-output.txt"
    meas_path = WORK / "last-measure.txt"
    if meas_path.exists():
        meas_path.unlink()
    with open(out_path, "wb") as out:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        try:
            p = subprocess.run(
                [str(MEASURE), str(meas_path), *map(str, argv)], cwd=cwd, env=env, stdin=stdin, stdout=out, stderr=subprocess.STDOUT
            )
        finally:
            if stdin_path:
                stdin.close()
    output = out_path.read_text(errors="replace")
    if p.returncode != 0 or not meas_path.exists():
        raise RuntimeError(f"measure failed for {argv}: {output[-2000:]}")
    ns, maxrss, rc = (int(x) for x in meas_path.read_text().split())
    if check and rc != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {rc}:\n{output[-3000:]}")
    return Run(ns / 1e9, maxrss, rc, output)


# ---------------------------------------------------------------------------------------------
# Databases
# ---------------------------------------------------------------------------------------------


class Sqlite:
    name = "sqlite"
    client = "sqlite3"

    def path(self, db: str) -> Path:
        return WORK / "db" / f"{db}.sqlite"

    def available(self) -> str | None:
        return None if shutil.which("sqlite3") else "sqlite3 not installed"

    def reset(self, db: str) -> None:
        (WORK / "db").mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-journal", "-wal", "-shm"):
            p = Path(str(self.path(db)) + suffix)
            if p.exists():
                p.unlink()

    def alembic_url(self, db: str, port: int | None = None) -> str:
        return f"sqlite:///{self.path(db)}"

    def retort_url(self, db: str, port: int | None = None) -> str:
        return f"sqlite://{self.path(db)}?mode=rwc"

    def client_argv(self, db: str, sql: Path):
        return ["sqlite3", "-bail", str(self.path(db))], sql

    def version(self) -> str:
        return run(["sqlite3", "--version"]).output.split()[0]


class Server:
    """A database server over TCP: both tools' URLs, to `port` (the counting proxy's) if given."""

    def __init__(self, name: str, client: str, proxy_kind: str, at: tuple[str, int, str], schemes: tuple[str, str]):
        self.name, self.client, self.proxy_kind = name, client, proxy_kind
        self.host, self.port, self.user = at
        self.alembic_scheme, self.retort_scheme = schemes

    def alembic_url(self, db: str, port: int | None = None) -> str:
        return f"{self.alembic_scheme}://{self.user}@{self.host}:{port or self.port}/{db}"

    def retort_url(self, db: str, port: int | None = None) -> str:
        return f"{self.retort_scheme}://{self.user}@{self.host}:{port or self.port}/{db}"


class Postgres(Server):
    def __init__(self):
        super().__init__("postgres", "psql", "pg", (PG_HOST, PG_PORT, PG_USER), ("postgresql+psycopg2", "postgres"))

    def _admin(self, sql: str) -> Run:
        return run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", "postgres", "-c", sql],
            check=True,
        )

    def available(self) -> str | None:
        r = run(["psql", "-X", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", "postgres", "-Atc", "select 1"])
        return None if r.rc == 0 else f"no PostgreSQL at {PG_HOST}:{PG_PORT}: {r.output.strip()}"

    def reset(self, db: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{db}"')

    def client_argv(self, db: str, sql: Path):
        return (
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", db, "-f", str(sql)],
            None,
        )

    def version(self) -> str:
        return run(["psql", "-X", "-h", PG_HOST, "-U", PG_USER, "-d", "postgres", "-Atc", "show server_version"]).output.strip()


class Mysql(Server):
    def __init__(self):
        super().__init__("mysql", "mariadb", "mysql", (MY_HOST, MY_PORT, MY_USER), ("mysql+pymysql", "mysql"))

    def _admin(self, sql: str) -> Run:
        return run(["mariadb", "-h", MY_HOST, "-P", str(MY_PORT), "-u", MY_USER, "-e", sql], check=True)

    def available(self) -> str | None:
        r = run(["mariadb", "-h", MY_HOST, "-P", str(MY_PORT), "-u", MY_USER, "-e", "select 1"])
        return None if r.rc == 0 else f"no MariaDB at {MY_HOST}:{MY_PORT}: {r.output.strip()}"

    def reset(self, db: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS `{db}`; CREATE DATABASE `{db}`")

    def client_argv(self, db: str, sql: Path):
        return ["mariadb", "-h", MY_HOST, "-P", str(MY_PORT), "-u", MY_USER, db], sql

    def version(self) -> str:
        return run(["mariadb", "-h", MY_HOST, "-u", MY_USER, "-N", "-e", "select version()"]).output.strip()


DATABASES = {"sqlite": Sqlite(), "postgres": Postgres(), "mysql": Mysql()}
PORTS = {"postgres": (PG_HOST, PG_PORT), "mysql": (MY_HOST, MY_PORT)}


# ---------------------------------------------------------------------------------------------
# The tools
# ---------------------------------------------------------------------------------------------


class Alembic:
    name = "alembic"
    ext = ".py"

    def __init__(self, project: Path):
        self.project = project

    def argv(self, args, url):
        env = _clean_env()
        env["BENCH_URL"] = url
        return [str(VENV / "bin" / "alembic"), "-c", str(self.project / "alembic.ini"), *args], env

    def versions(self) -> Path:
        return self.project / "versions"


class Retort:
    name = "retort"
    ext = ".rs"

    def __init__(self, ws: Path, binary: Path):
        self.ws, self.binary = ws, binary

    def argv(self, args, url):
        if url is None:
            return [str(self.binary), *args], _clean_env()
        return [str(self.binary), "--url", url, *args], _clean_env()

    def versions(self) -> Path:
        return self.ws / "migrations" / "versions"


def clear_versions(tool) -> None:
    for p in tool.versions().glob("*" + tool.ext):
        p.unlink()
    pyc = tool.versions() / "__pycache__"
    if pyc.exists():
        shutil.rmtree(pyc)


def new_files(tool, before: set) -> list[Path]:
    return sorted(p for p in tool.versions().glob("*" + tool.ext) if p.name not in before)


# ---------------------------------------------------------------------------------------------
# Building retort workspaces (never timed as part of a figure)
# ---------------------------------------------------------------------------------------------


def cargo_build(ws: Path, package: str = "cli") -> float:
    env = _clean_env()
    env["CARGO_TARGET_DIR"] = str(TARGET)
    t0 = time.perf_counter()
    r = run(["cargo", "build", "--release", "--quiet", "-p", package], cwd=ws, env=env)
    secs = time.perf_counter() - t0
    if r.rc != 0:
        raise RuntimeError(f"cargo build -p {package} in {ws} failed:\n{r.output[-4000:]}")
    return secs


def build_retort_binary(ws: Path, name: str) -> tuple[Path, float]:
    secs = cargo_build(ws)
    (ws / "bin").mkdir(exist_ok=True)
    dst = ws / "bin" / name
    shutil.copy2(TARGET / "release" / "cli", dst)
    return dst, secs


# ---------------------------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------------------------


class Results:
    def __init__(self):
        self.rows: list[dict] = []
        self.builds: list[dict] = []
        self.notes: list[str] = []
        self.missing: list[str] = []

    def add(self, group, db, size, measure, tool, r: Run, expect_rc=(0,)):
        row = self._row(group, db, size, measure, tool)
        row["runs"].append({"s": round(r.seconds, 5), "maxrss_kib": r.maxrss_kb, "rc": r.rc})
        if r.rc not in expect_rc:
            row["unexpected_rc"] = r.rc
            row["output_tail"] = r.output[-1500:]
            log(f"  !! {tool} {measure} {db} {size}: exit {r.rc}: {r.output.strip().splitlines()[-1:] }")

    def set_queries(self, group, db, size, measure, tool, count, detail=None):
        row = self._row(group, db, size, measure, tool)
        row["queries"] = count
        if detail is not None:
            row["query_detail"] = detail

    def _row(self, group, db, size, measure, tool):
        for row in self.rows:
            if (row["group"], row["db"], row["size"], row["measure"], row["tool"]) == (group, db, size, measure, tool):
                return row
        row = {"group": group, "db": db, "size": size, "measure": measure, "tool": tool, "runs": []}
        self.rows.append(row)
        return row

    def finish(self):
        for row in self.rows:
            ts = [r["s"] for r in row["runs"]]
            row["median_s"] = statistics.median(ts) if ts else None
            row["peak_mib"] = round(max(r["maxrss_kib"] for r in row["runs"]) / 1024, 1) if ts else None


def time_alternating(res: Results, group, db, size, measure, entries, repeat, expect_rc=(0,)):
    """entries: list of (tool_name, setup_fn or None, argv, env, cwd, stdin). Tools alternate:
    run k starts with entry k % len(entries)."""
    for k in range(repeat):
        order = entries[k % len(entries):] + entries[: k % len(entries)]
        for name, setup, argv, env, cwd, stdin in order:
            if setup:
                setup()
            r = run(argv, env=env, cwd=cwd, stdin_path=stdin)
            res.add(group, db, size, measure, name, r, expect_rc)


# ---------------------------------------------------------------------------------------------
# Scenarios
# ---------------------------------------------------------------------------------------------


def _make_argv(tool, args, url_at, cwd):
    """count_queries' make_argv: `tool args` in `cwd` against `url_at(port)` (port: the counting
    proxy's, or None for the database itself)."""
    def make(port):
        argv, env = tool.argv(args, url_at(port))
        return argv, env, cwd
    return make


def _emptied(dbo, db, tool):
    """A setup step: database `db` emptied and `tool`'s versions folder cleared."""
    def setup():
        dbo.reset(db)
        clear_versions(tool)
    return setup


def count_queries(res, group, dbo, size, measure, toolname, make_argv, setup=None):
    """One untimed run of the tool through the counting proxy (SQLite: Alembic's trace callback;
    retort n/a)."""
    if setup:
        setup()
    if dbo.name == "sqlite":
        if toolname != "alembic":
            return
        cf = WORK / "sqlite-count.txt"
        if cf.exists():
            cf.unlink()
        argv, env, cwd = make_argv(None)
        env["BENCH_COUNT_FILE"] = str(cf)
        r = run(argv, env=env, cwd=cwd)
        if cf.exists():
            res.set_queries(group, dbo.name, size, measure, toolname, int(cf.read_text()), {"method": "sqlite3 trace callback"})
        return r
    host, port = PORTS[dbo.name]
    proxy = CountingProxy(dbo.proxy_kind, host, port)
    try:
        argv, env, cwd = make_argv(proxy.port)
        r = run(argv, env=env, cwd=cwd)
        time.sleep(0.2)
        res.set_queries(group, dbo.name, size, measure, toolname, proxy.queries(), proxy.detail())
        return r
    finally:
        proxy.close()


def scenario_schema(res: Results, n: int, dbo, repeat: int, tools: list[str], state: dict):
    """Autogenerate against an empty database, the upgrade that applies it, check and
    autogenerate against a database in sync."""
    group = "schema"
    size = n
    db_a, db_r, db_c = f"bench_alembic_n{n}", f"bench_retort_n{n}", f"bench_client_n{n}"
    proj = state["alembic_n"][n]
    alembic = Alembic(proj)
    stash = WORK / "stash" / f"n{n}"
    retort_info = state["retort_n"].get(n)
    use_retort = "retort" in tools and retort_info is not None and "error" not in retort_info
    log(f"schema N={n} on {dbo.name}")

    # --- prepare (untimed): each tool autogenerates the initial migration once --------------
    a_init = stash / f"alembic-{dbo.name}.py"
    if not a_init.exists():
        stash.mkdir(parents=True, exist_ok=True)
        dbo.reset(db_a)
        clear_versions(alembic)
        argv, env = alembic.argv(["revision", "--autogenerate", "-m", "init"], dbo.alembic_url(db_a))
        run(argv, env=env, cwd=proj, check=True)
        files = new_files(alembic, set())
        shutil.copy(files[0], a_init)
    clear_versions(alembic)
    # floor SQL: Alembic's offline rendering of its own initial migration for this dialect
    floor_sql = stash / f"floor-{dbo.name}.sql"
    shutil.copy(a_init, alembic.versions() / a_init.name)
    argv, env = alembic.argv(["upgrade", "head", "--sql"], dbo.alembic_url(db_a))
    r = run(argv, env=env, cwd=proj, check=True)
    floor_sql.write_text(r.output)
    _strip_log_lines(floor_sql, dbo.name)
    clear_versions(alembic)

    retort = None
    if use_retort:
        ws = retort_info["ws"]
        r_empty = Retort(ws, retort_info["empty_bin"])
        cache = ws / "cache"
        cache.mkdir(exist_ok=True)
        # The migration retort autogenerates is dialect-neutral (the same operations on all three
        # databases; only the header differs), so the first database's file is compiled in once
        # and applied on every database: a 1,000-table migration takes minutes to compile.
        r_init_file = cache / "init.rs"
        key_file = cache / "init.key"
        binary = ws / "bin" / "cli-init"
        key = retort_info["key"]
        if key_file.exists() and key_file.read_text() == key and binary.exists() and r_init_file.exists():
            log(f"  reusing the retort binary with the initial migration (same models and retort source)")
            retort = Retort(ws, binary)
        else:
            dbo.reset(db_r)
            clear_versions(r_empty)
            argv, env = r_empty.argv(["revision", "--autogenerate", "-m", "init"], dbo.retort_url(db_r))
            rr = run(argv, env=env, cwd=ws)
            files = new_files(r_empty, set())
            if rr.rc != 0 or not files:
                res.missing.append(f"retort autogenerate N={n} on {dbo.name} failed (exit {rr.rc}): {rr.output.strip()[-400:]}")
                use_retort = False
            else:
                shutil.copy(files[0], r_init_file)
                (cache / "init.name").write_text(files[0].name)
                # a binary with this dialect's initial migration compiled in (untimed build)
                try:
                    b, secs = build_retort_binary(ws, binary.name)
                    res.builds.append({"what": f"cli crate with the {n}-table autogenerated initial migration compiled in (release)", "seconds": round(secs, 1)})
                    key_file.write_text(key)
                    retort = Retort(ws, b)
                except RuntimeError as e:
                    res.missing.append(f"retort build with the N={n} initial migration ({dbo.name}) failed: {str(e)[-600:]}")
                    use_retort = False
            clear_versions(r_empty)
        if use_retort:
            r_init_name = (cache / "init.name").read_text().strip()

    # --- queries sent by autogenerate against the empty database (untimed) ------------------
    count_argv = ["revision", "--autogenerate", "-m", "count"]
    a_make = _make_argv(alembic, count_argv, lambda port: dbo.alembic_url(db_a, port), proj)
    a_setup_empty = _emptied(dbo, db_a, alembic)
    count_queries(res, group, dbo, size, "autogenerate, empty DB", "alembic", a_make, a_setup_empty)
    clear_versions(alembic)
    if use_retort:
        r_make = _make_argv(r_empty, count_argv, lambda port: dbo.retort_url(db_r, port), ws)
        r_setup_empty = _emptied(dbo, db_r, r_empty)
        count_queries(res, group, dbo, size, "autogenerate, empty DB", "retort", r_make, r_setup_empty)
        clear_versions(r_empty)

    # --- autogenerate against an empty database --------------------------------------------
    entries = []
    argv, env = alembic.argv(["revision", "--autogenerate", "-m", "init"], dbo.alembic_url(db_a))
    entries.append(("alembic", a_setup_empty, argv, env, proj, None))
    if use_retort:
        argv, env = r_empty.argv(["revision", "--autogenerate", "-m", "init"], dbo.retort_url(db_r))
        entries.append(("retort", r_setup_empty, argv, env, ws, None))
    time_alternating(res, group, dbo.name, size, "autogenerate, empty DB", entries, repeat)
    clear_versions(alembic)
    if use_retort:
        clear_versions(r_empty)

    # --- the upgrade that applies it --------------------------------------------------------
    def a_setup_up():
        dbo.reset(db_a)
        clear_versions(alembic)
        shutil.copy(a_init, alembic.versions() / a_init.name)

    entries = []
    argv, env = alembic.argv(["upgrade", "head"], dbo.alembic_url(db_a))
    entries.append(("alembic", a_setup_up, argv, env, proj, None))
    if use_retort:
        def r_setup_up():
            dbo.reset(db_r)
            clear_versions(retort)
            shutil.copy(r_init_file, retort.versions() / r_init_name)

        argv, env = retort.argv(["upgrade", "head"], dbo.retort_url(db_r))
        entries.append(("retort", r_setup_up, argv, env, ws, None))
    cargv, cstdin = dbo.client_argv(db_c, floor_sql)
    entries.append((dbo.client, lambda: dbo.reset(db_c), cargv, _clean_env(), WORK, cstdin))
    time_alternating(res, group, dbo.name, size, "upgrade (apply autogenerated)", entries, repeat)

    # --- check / autogenerate against a database in sync ------------------------------------
    a_before = {p.name for p in alembic.versions().glob("*.py")}

    a_make_check = _make_argv(alembic, ["check"], lambda port: dbo.alembic_url(db_a, port), proj)
    count_queries(res, group, dbo, size, "check, DB in sync", "alembic", a_make_check)
    entries = []
    argv, env = alembic.argv(["check"], dbo.alembic_url(db_a))
    entries.append(("alembic", None, argv, env, proj, None))
    if use_retort:
        r_make_check = _make_argv(retort, ["check"], lambda port: dbo.retort_url(db_r, port), ws)
        count_queries(res, group, dbo, size, "check, DB in sync", "retort", r_make_check)
        argv, env = retort.argv(["check"], dbo.retort_url(db_r))
        entries.append(("retort", None, argv, env, ws, None))
    time_alternating(res, group, dbo.name, size, "check, DB in sync", entries, repeat)

    def a_cleanup():
        for p in new_files(alembic, a_before):
            p.unlink()

    entries = []
    argv, env = alembic.argv(["revision", "--autogenerate", "-m", "nothing"], dbo.alembic_url(db_a))
    entries.append(("alembic", a_cleanup, argv, env, proj, None))
    if use_retort:
        r_before = {p.name for p in retort.versions().glob("*.rs")}

        def r_cleanup():
            for p in new_files(retort, r_before):
                p.unlink()

        argv, env = retort.argv(["revision", "--autogenerate", "-m", "nothing"], dbo.retort_url(db_r))
        entries.append(("retort", r_cleanup, argv, env, ws, None))
    time_alternating(res, group, dbo.name, size, "autogenerate, DB in sync", entries, repeat)
    a_cleanup()
    if use_retort:
        r_cleanup()
        clear_versions(retort)
    clear_versions(alembic)


def _strip_log_lines(p: Path, dbname: str) -> None:
    """Alembic's offline output on stdout+stderr: keep the SQL, drop its INFO log lines. Alembic
    writes no BEGIN/COMMIT for SQLite (no transactional DDL in its SQLite dialect); the floor
    gets one transaction around the script, as both tools' online runs have."""
    lines = [l for l in p.read_text().splitlines() if not l.startswith(("INFO ", "WARNI", "DEBUG"))]
    if dbname == "sqlite" and not any(l.strip().upper() in ("BEGIN;", "BEGIN TRANSACTION;") for l in lines):
        lines = ["BEGIN;", *lines, "COMMIT;"]
    p.write_text("\n".join(lines) + "\n")


LOOP = "edit-to-migration: add a field to a model, `cargo run -p cli -- revision --autogenerate` (debug)"
LOOP_UP = "then `cargo run -p cli -- upgrade head` (debug: the new script compiled in, then applied)"
BASELINE = ", retort of the baseline checkout"

# The edit each run makes: a nullable text column on the first table, in each tool's models.
RS_EDIT = ("pub struct T0001 {\n", "pub struct T0001 {\n    pub loop_note: Option<String>,\n")
PY_EDIT = ("    __tablename__ = 't0001'\n", "    __tablename__ = 't0001'\n    loop_note: Mapped[Optional[str]] = mapped_column(sa.Text(), nullable=True)\n")


def _gen_of(repo: Path):
    """The `bench/gen.py` module of another retort checkout (this one's `gen` for this one)."""
    other = repo / "bench" / "gen.py"
    if repo.resolve() == REPO or not other.is_file():
        return gen
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"gen_{abs(hash(str(repo)))}", other)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class LoopEntry:
    """One tool's loop: `prepare` puts the models file, the versions folder and the database
    back as they were in sync (untimed), `edit` adds the field, then `autogen` and `upgrade`
    are timed one after the other."""

    def __init__(self, tool, measures, models: Path, edit, versions: Path, ext, db_path: Path, autogen, upgrade, env, cwd):
        self.tool, self.measures, self.models, self.edit_pair = tool, measures, models, edit
        self.versions, self.ext, self.db_path = versions, ext, db_path
        self.autogen, self.upgrade, self.env, self.cwd = autogen, upgrade, env, cwd
        self.models_text = models.read_text()
        self.before = {p.name for p in versions.glob("*" + ext)}
        self.snapshot = Path(str(db_path) + ".loop-snapshot")
        shutil.copyfile(db_path, self.snapshot)
        if edit[0] not in self.models_text:
            raise RuntimeError(f"{models}: no {edit[0]!r} to add the loop's field after")

    def prepare(self):
        for p in self.versions.glob("*" + self.ext):
            if p.name not in self.before:
                p.unlink()
        pyc = self.versions / "__pycache__"
        if pyc.exists():
            shutil.rmtree(pyc)
        for suffix in ("-journal", "-wal", "-shm"):
            Path(str(self.db_path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(self.snapshot, self.db_path)
        self.models.write_text(self.models_text)

    def edit(self, k: int):
        """The `k`th run's edit: a field named for the run, so that no build can reuse the
        compiler's cached work for an identical file (as after a `touch`)."""
        old, new = self.edit_pair
        self.models.write_text(self.models_text.replace(old, new.replace("loop_note", f"loop_note_{k}"), 1))


def _loop_retort(n: int, tables: list[dict], repo: Path, tag: str, dbo, res: Results, measures):
    """A debug-built workspace on `repo`, its SQLite database brought in sync with the models
    (untimed): the initial migration autogenerated and applied. Returns its [`LoopEntry`], or
    None when it does not build."""
    ws = WORK / "loop" / f"{tag}-n{n}"
    # Each checkout's workspace as its own bench/gen.py writes it (profiles, crate layout), so
    # a change to the scaffold is measured too, not only a change to retort.
    _gen_of(repo).write_retort_workspace(ws, tables, repo=repo)
    env = _clean_env()
    env["CARGO_TARGET_DIR"] = str(WORK / "loop" / "target")
    db = f"loop_{tag}_n{n}"
    url = dbo.retort_url(db)
    cargo = ["cargo", "run", "--quiet", "-p", "cli", "--", "--url", url]
    dbo.reset(db)
    log(f"loop N={n}: building {ws.name} (debug, untimed) and bringing its database in sync")
    t0 = time.perf_counter()
    r = run([*cargo, "revision", "--autogenerate", "-m", "init"], cwd=ws, env=env)
    if r.rc != 0:
        res.missing.append(f"loop: {ws.name} does not build or autogenerate: {r.output[-800:]}")
        return None
    res.builds.append({"what": f"{ws.name}: `cargo build -p cli` (debug) from a models change of the generator", "seconds": round(time.perf_counter() - t0, 1)})
    run([*cargo, "upgrade", "head"], cwd=ws, env=env, check=True)
    entry = LoopEntry(
        "retort", measures, ws / "models" / "src" / "lib.rs", RS_EDIT, ws / "migrations" / "versions", ".rs",
        dbo.path(db), [*cargo, "revision", "--autogenerate", "-m", "loop"], [*cargo, "upgrade", "head"], env, ws,
    )
    # Warm: one whole loop untimed (the first build after the generator wrote the files).
    entry.edit(999)
    for argv in (entry.autogen, entry.upgrade):
        run(argv, cwd=ws, env=env, check=True)
    entry.prepare()
    run(["cargo", "build", "--quiet", "-p", "cli"], cwd=ws, env=env, check=True)
    return entry


def scenario_loop(res: Results, n: int, repeat: int, tools: list[str], baseline: Path | None):
    """The edit-to-migration loop: one field added to a model, then what the user waits for
    until the migration is written (`revision --autogenerate`) and then applied (`upgrade
    head`). retort: the models crate and the cli relink (debug, as `cargo run` builds them) plus
    the autogenerate, then the cli rebuilt with the new script plus the upgrade; Alembic: the
    autogenerate (Python recompiles the edited models module), then the upgrade. Each run starts
    from the same files and database (restored, untimed). With a baseline checkout, its retort
    runs in the same alternation: before/after on one machine state."""
    dbo = DATABASES["sqlite"]
    tables = gen.synthetic_schema(n)
    entries = []
    if "alembic" in tools:
        proj = WORK / "loop" / f"alembic-n{n}"
        gen.write_alembic_project(proj, tables)
        alembic = Alembic(proj)
        db = f"loop_alembic_n{n}"
        dbo.reset(db)
        clear_versions(alembic)
        argv, env = alembic.argv(["revision", "--autogenerate", "-m", "init"], dbo.alembic_url(db))
        run(argv, env=env, cwd=proj, check=True)
        argv, env = alembic.argv(["upgrade", "head"], dbo.alembic_url(db))
        run(argv, env=env, cwd=proj, check=True)
        a_models = next(p for p in proj.rglob("*.py") if p.name == "models.py")
        auto, env = alembic.argv(["revision", "--autogenerate", "-m", "loop"], dbo.alembic_url(db))
        up, _ = alembic.argv(["upgrade", "head"], dbo.alembic_url(db))
        entries.append(LoopEntry("alembic", (LOOP, LOOP_UP), a_models, PY_EDIT, alembic.versions(), ".py", dbo.path(db), auto, up, env, proj))
    if "retort" in tools:
        for repo, tag, suffix in [(REPO, "cur", "")] + ([(baseline, "base", BASELINE)] if baseline else []):
            e = _loop_retort(n, tables, repo, tag, dbo, res, (LOOP + suffix, LOOP_UP + suffix))
            if e:
                entries.append(e)
    log(f"loop N={n}: {len(entries)} entries, {repeat} runs each, alternating")
    for k in range(repeat):
        order = entries[k % len(entries):] + entries[: k % len(entries)]
        for e in order:
            e.prepare()
            e.edit(k)
            for measure, argv in zip(e.measures, (e.autogen, e.upgrade)):
                r = run(argv, env=e.env, cwd=e.cwd)
                res.add("loop", "sqlite", n, measure, e.tool, r)
    for e in entries:
        e.prepare()
    for tag_measures in ([(LOOP, LOOP + BASELINE), (LOOP_UP, LOOP_UP + BASELINE)] if baseline else []):
        cur = res._row("loop", "sqlite", n, tag_measures[0], "retort")["runs"]
        base = res._row("loop", "sqlite", n, tag_measures[1], "retort")["runs"]
        if cur and base:
            c = statistics.median(x["s"] for x in cur)
            b = statistics.median(x["s"] for x in base)
            res.notes.append(f"loop N={n}, {tag_measures[0][:40]}...: this checkout {fmt_s(c)}, baseline {fmt_s(b)}: {c / b:.2f}x of the baseline")
    # The whole loop (autogenerate + upgrade), per tool, as the issue states the target.
    def whole(measures, tool):
        rows = [res._row("loop", "sqlite", n, m, tool)["runs"] for m in measures]
        if all(rows) and len({len(r) for r in rows}) == 1:
            return statistics.median(sum(x["s"] for x in xs) for xs in zip(*rows))
        return None
    a = whole((LOOP, LOOP_UP), "alembic")
    c = whole((LOOP, LOOP_UP), "retort")
    b = whole((LOOP + BASELINE, LOOP_UP + BASELINE), "retort") if baseline else None
    parts = [f"retort {fmt_s(c)}" if c else None, f"baseline {fmt_s(b)}" if b else None, f"Alembic {fmt_s(a)}" if a else None]
    if c and a:
        parts.append(f"retort / Alembic {c / a:.2f}x")
    res.notes.append(f"loop N={n}, whole (autogenerate + upgrade, median of per-run sums): " + ", ".join(p for p in parts if p))


ONE = "upgrade head, retort with transaction_per_migration = false"
ONED = "downgrade base, retort with transaction_per_migration = false"
TPM = "upgrade head, retort's default against a client committing each migration"


def per_migration_commits(p: Path, out: Path) -> None:
    """The client script of `p` (Alembic's offline SQL, one transaction) with a transaction per
    migration, as retort's default commits: BEGIN / COMMIT around the version table's creation
    and around each `-- Running upgrade` block (the honest floor for per-migration durability)."""
    blocks, cur = [], []
    for line in p.read_text().splitlines():
        if line.strip().upper() in ("BEGIN;", "BEGIN TRANSACTION;", "COMMIT;"):
            continue
        if line.startswith("-- Running "):
            blocks.append(cur)
            cur = []
        cur.append(line)
    blocks.append(cur)
    if len(blocks) < 2:
        raise RuntimeError(f"{p}: no `-- Running` comment to split the script at")
    out.write_text("".join("BEGIN;\n" + "\n".join(b) + "\nCOMMIT;\n" for b in blocks if any(l.strip() for l in b)))


def scenario_chain(res: Results, r: int, dbo, repeat: int, tools: list[str], state: dict):
    group = "chain"
    size = r
    db_a, db_r, db_c = f"bench_alembic_r{r}", f"bench_retort_r{r}", f"bench_client_r{r}"
    proj = state["alembic_r"][r]
    alembic = Alembic(proj)
    info = state["retort_r"].get(r)
    use_retort = "retort" in tools and info is not None and "error" not in info
    log(f"chain R={r} on {dbo.name}")
    head = gen.rev_id(f"chain{r}", r)

    up_sql = WORK / "stash" / f"r{r}-up-{dbo.name}.sql"
    down_sql = WORK / "stash" / f"r{r}-down-{dbo.name}.sql"
    up_sql.parent.mkdir(parents=True, exist_ok=True)
    argv, env = alembic.argv(["upgrade", "head", "--sql"], dbo.alembic_url(db_a))
    up_sql.write_text(run(argv, env=env, cwd=proj, check=True).output)
    _strip_log_lines(up_sql, dbo.name)
    argv, env = alembic.argv(["downgrade", f"{head}:base", "--sql"], dbo.alembic_url(db_a))
    down_sql.write_text(run(argv, env=env, cwd=proj, check=True).output)
    _strip_log_lines(down_sql, dbo.name)
    # Where transactions hold DDL (not MySQL/MariaDB), the client also commits per migration.
    tpm_sql = None
    if dbo.name in ("sqlite", "postgres"):
        tpm_sql = WORK / "stash" / f"r{r}-up-tpm-{dbo.name}.sql"
        per_migration_commits(up_sql, tpm_sql)

    # retort's default is a transaction per migration; Alembic's (and the plain client's script)
    # is one transaction for the whole run. The second retort variant runs like Alembic.
    variants = ["alembic", "retort", "retort-1tx", "client"] if use_retort else ["alembic", "client"]
    if tpm_sql and use_retort:
        variants.append("client-tpm")
    if use_retort:
        gen.write_if_changed(
            info["ws"] / "retort-onetx.toml",
            (info["ws"] / "retort.toml").read_text() + "transaction_per_migration = false\n",
        )
    for k in range(repeat):
        order = variants[k % len(variants):] + variants[: k % len(variants)]
        for who in order:
            if who == "alembic":
                dbo.reset(db_a)
                url = dbo.alembic_url(db_a)
                for measure, args in (("upgrade head", ["upgrade", "head"]), ("current", ["current"]), ("downgrade base", ["downgrade", "base"])):
                    argv, env = alembic.argv(args, url)
                    r_ = run(argv, env=env, cwd=proj)
                    res.add(group, dbo.name, size, measure, "alembic", r_)
                    if measure != "current" and use_retort:
                        res.add(group, dbo.name, size, ONE if measure.startswith("up") else ONED, "alembic", r_)
            elif who in ("retort", "retort-1tx"):
                retort = Retort(info["ws"], info["bin"])
                dbo.reset(db_r)
                url = dbo.retort_url(db_r)
                cfg = ["-c", "retort-onetx.toml"] if who == "retort-1tx" else []
                steps = (("upgrade head", ["upgrade", "head"]), ("current", ["current"]), ("downgrade base", ["downgrade", "base"]))
                for measure, args in steps:
                    if who == "retort-1tx":
                        if measure == "current":
                            continue
                        measure = ONE if measure.startswith("up") else ONED
                    argv, env = retort.argv(cfg + args, url)
                    r_ = run(argv, env=env, cwd=info["ws"])
                    res.add(group, dbo.name, size, measure, "retort", r_)
                    if tpm_sql and who == "retort" and measure == "upgrade head":
                        res.add(group, dbo.name, size, TPM, "retort", r_)
            elif who == "client-tpm":
                dbo.reset(db_c)
                cargv, cstdin = dbo.client_argv(db_c, tpm_sql)
                res.add(group, dbo.name, size, TPM, dbo.client, run(cargv, env=_clean_env(), cwd=WORK, stdin_path=cstdin))
            else:
                dbo.reset(db_c)
                for measure, sql in (("upgrade head", up_sql), ("downgrade base", down_sql)):
                    cargv, cstdin = dbo.client_argv(db_c, sql)
                    r_ = run(cargv, env=_clean_env(), cwd=WORK, stdin_path=cstdin)
                    res.add(group, dbo.name, size, measure, dbo.client, r_)
                    if use_retort:
                        res.add(group, dbo.name, size, ONE if measure.startswith("up") else ONED, dbo.client, r_)


def scenario_graph(res: Results, r: int, repeat: int, tools: list[str], state: dict):
    """heads / history on the chain: no database involved."""
    group = "graph"
    proj = state["alembic_r"][r]
    alembic = Alembic(proj)
    info = state["retort_r"].get(r)
    use_retort = "retort" in tools and info is not None and "error" not in info
    log(f"graph commands R={r}")
    sq = DATABASES["sqlite"]
    db_a, db_r = f"graph_alembic_r{r}", f"graph_retort_r{r}"
    # `current` needs a database at head: stamped (untimed), SQLite
    sq.reset(db_a)
    argv, env = alembic.argv(["stamp", "head"], sq.alembic_url(db_a))
    run(argv, env=env, cwd=proj, check=True)
    if use_retort:
        retort = Retort(info["ws"], info["bin"])
        sq.reset(db_r)
        argv, env = retort.argv(["stamp", "head"], sq.retort_url(db_r))
        st = run(argv, env=env, cwd=info["ws"])
        if st.rc != 0:
            res.missing.append(f"retort stamp head (R={r}) failed: {st.output.strip()[-300:]}")
    for measure, args, needs_db in (("heads", ["heads"], False), ("history", ["history"], False), ("current (SQLite, stamped at head)", ["current"], True)):
        entries = []
        argv, env = alembic.argv(args, sq.alembic_url(db_a))
        entries.append(("alembic", None, argv, env, proj, None))
        if use_retort:
            argv, env = retort.argv(args, sq.retort_url(db_r) if needs_db else None)
            entries.append(("retort", None, argv, env, info["ws"], None))
        time_alternating(res, group, "-", r, measure, entries, repeat)


def scenario_startup(res: Results, repeat: int, tools: list[str], state: dict):
    log("start-up (--help)")
    proj = next(iter(state["alembic_r"].values()))
    alembic = Alembic(proj)
    entries = []
    argv, env = alembic.argv(["--help"], "sqlite://")
    entries.append(("alembic", None, argv, env, proj, None))
    info = next((v for v in state["retort_r"].values() if "error" not in v), None)
    if "retort" in tools and info:
        retort = Retort(info["ws"], info["bin"])
        argv, env = retort.argv(["--help"], None)
        entries.append(("retort", None, argv, env, info["ws"], None))
    time_alternating(res, "startup", "-", "-", "--help", entries, repeat)


# ---------------------------------------------------------------------------------------------
# Preparation
# ---------------------------------------------------------------------------------------------


RETORT_CRATES = ["schema", "sql", "diff", "introspect", "revision", "build", "runner", "app", "macros", "runtime", "Cargo.lock"]


def retort_source_key() -> str:
    """Identifies the retort source the binaries are built from: the git trees of the crates a
    bench binary links, plus their uncommitted changes (commits elsewhere do not invalidate)."""
    trees = subprocess.run(
        ["git", "rev-parse", *[f"HEAD:{c}" for c in RETORT_CRATES]], cwd=REPO, capture_output=True, text=True
    ).stdout
    diff = subprocess.run(["git", "diff", "HEAD", "--", *RETORT_CRATES], cwd=REPO, capture_output=True, text=True).stdout
    return trees + hashlib.sha256(diff.encode()).hexdigest()


def prepare(ns: list[int], rs: list[int], tools: list[str], res: Results) -> dict:
    state = {"alembic_n": {}, "alembic_r": {}, "retort_n": {}, "retort_r": {}}
    for n in ns:
        tables = gen.synthetic_schema(n)
        proj = WORK / f"alembic-n{n}"
        gen.write_alembic_project(proj, tables)
        state["alembic_n"][n] = proj
        if "retort" in tools:
            ws = WORK / f"retort-n{n}"
            gen.write_retort_workspace(ws, tables)
            for p in (ws / "migrations" / "versions").glob("*.rs"):
                p.unlink()
            try:
                log(f"building retort workspace N={n} (untimed)")
                b, secs = build_retort_binary(ws, "cli-empty")
                res.builds.append({"what": f"retort workspace N={n}: `cargo build --release -p cli` (dependencies already built unless this is the first run)", "seconds": round(secs, 1)})
                # compile time of the models crate: touch it, rebuild (models + cli relink)
                (ws / "models" / "src" / "lib.rs").touch()
                secs = cargo_build(ws, "cli")
                res.builds.append({"what": f"models crate with {n} #[derive(Table)] structs, rebuilt after a touch (release; includes relinking cli)", "seconds": round(secs, 1)})
                key = hashlib.sha256((ws / "models" / "src" / "lib.rs").read_bytes() + retort_source_key().encode()).hexdigest()
                state["retort_n"][n] = {"ws": ws, "empty_bin": b, "key": key}
            except RuntimeError as e:
                state["retort_n"][n] = {"error": str(e)}
                res.missing.append(f"retort workspace N={n} does not build: {str(e)[-800:]}")
    for r in rs:
        revs = gen.chain(r)
        proj = WORK / f"alembic-r{r}"
        gen.write_alembic_project(proj, None)
        gen.write_alembic_chain(proj, revs)
        state["alembic_r"][r] = proj
        # warm Alembic's bytecode cache of the scripts (untimed)
        argv, env = Alembic(proj).argv(["heads"], "sqlite://")
        run(argv, env=env, cwd=proj, check=True)
        if "retort" in tools:
            ws = WORK / f"retort-r{r}"
            gen.write_retort_workspace(ws, gen.chain_final_schema(revs))
            gen.write_retort_chain(ws, revs)
            try:
                log(f"building retort workspace R={r} (untimed)")
                b, secs = build_retort_binary(ws, "cli")
                res.builds.append({"what": f"retort workspace with a {r}-revision chain (release)", "seconds": round(secs, 1)})
                state["retort_r"][r] = {"ws": ws, "bin": b}
            except RuntimeError as e:
                state["retort_r"][r] = {"error": str(e)}
                res.missing.append(f"retort workspace R={r} does not build: {str(e)[-800:]}")
    return state


# ---------------------------------------------------------------------------------------------
# Machine description and report
# ---------------------------------------------------------------------------------------------


def machine(dbs) -> dict:
    def cmd(argv, cwd=None):
        try:
            return subprocess.run(argv, capture_output=True, text=True, cwd=cwd).stdout.strip()
        except OSError as e:
            return f"n/a ({e})"

    mem = ""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            mem = f"{int(line.split()[1]) // 1024} MiB"
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    py = str(VENV / "bin" / "python")
    m = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "kernel": platform.release(),
        "python": cmd([py, "-c", "import sys; print(sys.version.split()[0])"]),
        "alembic": cmd([py, "-c", "import alembic; print(alembic.__version__)"]),
        "sqlalchemy": cmd([py, "-c", "import sqlalchemy; print(sqlalchemy.__version__)"]),
        "psycopg2": cmd([py, "-c", "import psycopg2; print(psycopg2.__version__.split()[0])"]),
        "pymysql": cmd([py, "-c", "import importlib.metadata as m; print(m.version('PyMySQL'))"]),
        "rustc": cmd(["rustc", "--version"], cwd=REPO),
        "retort_commit": cmd(["git", "rev-parse", "--short=12", "HEAD"], cwd=REPO),
        "retort_worktree_dirty": bool(cmd(["git", "status", "--porcelain", "--", ".", ":!bench"], cwd=REPO)),
    }
    for name in dbs:
        m[name] = DATABASES[name].version()
    return m


def fmt_s(x):
    if x is None:
        return "—"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    return f"{x:.2f} s"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    return f"{a / b:.2f}x"


def markdown(res: Results, meta: dict) -> str:
    rows = {}
    for row in res.rows:
        rows.setdefault((row["group"], row["db"], row["size"], row["measure"]), {})[row["tool"]] = row
    out = []
    m = meta["machine"]
    out.append(
        f"Run {m['date']}, mode `{meta['mode']}`, {meta['repeat']} runs per figure ({meta['repeat_big']} for N, R >= 1,000), "
        f"median, tools alternating; whole run {meta['wall_seconds']} s."
    )
    out.append("")
    out.append(
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['memory']} RAM, Linux {m['kernel']}. "
        f"Alembic {m['alembic']}, SQLAlchemy {m['sqlalchemy']}, Python {m['python']}, psycopg2 {m['psycopg2']}, PyMySQL {m['pymysql']}; "
        f"SQLite {m.get('sqlite', '—')}, PostgreSQL {m.get('postgres', '—')}, MariaDB {m.get('mysql', '—')}; "
        f"{m['rustc']}; retort commit {m['retort_commit']}{' (+ uncommitted changes)' if m['retort_worktree_dirty'] else ''}."
    )
    out.append("")
    out.append("| DB | size | measure | Alembic | retort | retort / Alembic | plain client | retort / client | Alembic / client | peak MiB Alembic / retort | queries Alembic / retort |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    group_names = {"schema": "N", "chain": "R", "graph": "R", "startup": "", "loop": "N"}
    for (group, db, size, measure), tools in rows.items():
        a = tools.get("alembic")
        r = tools.get("retort")
        c = next((tools[t] for t in ("sqlite3", "psql", "mariadb") if t in tools), None)

        def med(x):
            return x["median_s"] if x else None

        def flag(x):
            return " (exit %d!)" % x["unexpected_rc"] if x and "unexpected_rc" in x else ""

        sz = f"{group_names[group]}={size}" if group_names[group] else ""
        q = "—"
        qa = a.get("queries") if a else None
        qr = r.get("queries") if r else None
        if qa is not None or qr is not None:
            q = f"{qa if qa is not None else 'n/a'} / {qr if qr is not None else 'n/a'}"
        mem = f"{a['peak_mib'] if a else '—'} / {r['peak_mib'] if r else '—'}"
        out.append(
            f"| {db} | {sz} | {measure} | {fmt_s(med(a))}{flag(a)} | {fmt_s(med(r))}{flag(r)} | {ratio(med(r), med(a))} | "
            f"{fmt_s(med(c))}{flag(c)} | {ratio(med(r), med(c))} | {ratio(med(a), med(c))} | {mem} | {q} |"
        )
    if res.builds:
        out += ["", "Builds (never part of a timed figure):", ""]
        for b in res.builds:
            out.append(f"- {b['what']}: {b['seconds']} s")
    if res.notes:
        out += [""] + [f"- {n}" for n in res.notes]
    if res.missing:
        out += ["", "Missing / failed in this run:", ""]
        for msg in res.missing:
            first = msg.strip().splitlines()
            out.append(f"- {first[0] if first else msg}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="retort vs Alembic vs the plain SQL client")
    ap.add_argument("--quick", action="store_true", help="N=100, R=200, few repeats (under 3 minutes)")
    ap.add_argument("--db", default="sqlite,postgres,mysql", help="comma-separated: sqlite,postgres,mysql")
    ap.add_argument("--repeat", type=int, help="runs per figure (median); default 3 (quick: 2)")
    ap.add_argument("--repeat-big", type=int, help="runs per figure for N, R >= 1000 (default: --repeat, full mode 2)")
    ap.add_argument("--n", help="comma-separated table counts (default: quick 100, full 100,1000)")
    ap.add_argument("--r", help="comma-separated chain lengths (default: quick 200, full 200,1000)")
    ap.add_argument("--graph-r", help="comma-separated extra chain lengths for heads/history/current only (default: quick none, full 10000)")
    ap.add_argument("--tools", default="alembic,retort", help="alembic,retort (the plain client always runs)")
    ap.add_argument("--no-write", action="store_true", help="do not write bench/results/")
    ap.add_argument("--loop", action="store_true", help="only the edit-to-migration loop (SQLite, debug builds), at --n (default 100,1000)")
    ap.add_argument("--loop-baseline", type=Path, help="with --loop: another retort checkout (e.g. `git worktree add /tmp/base main`) timed in the same alternation")
    args = ap.parse_args(argv)

    ns = [int(x) for x in (args.n or ("100" if args.quick else "100,1000")).split(",") if x]
    rs = [int(x) for x in (args.r or ("200" if args.quick else "200,1000")).split(",") if x]
    gr = [int(x) for x in (args.graph_r if args.graph_r is not None else ("" if args.quick else "10000")).split(",") if x]
    repeat = args.repeat or (2 if args.quick else 3)
    repeat_big = args.repeat_big or (args.repeat if args.repeat else (repeat if args.quick else 2))
    tools = [t for t in args.tools.split(",") if t]
    dbs = [d for d in args.db.split(",") if d]
    for d in dbs:
        if d not in DATABASES:
            ap.error(f"unknown database {d!r}: use sqlite, postgres, mysql")
    WORK.mkdir(exist_ok=True)
    build_measure()
    if (WORK / "stash").exists():
        shutil.rmtree(WORK / "stash")  # generated migrations and floor SQL of an earlier run
    res = Results()
    t_start = time.perf_counter()
    for d in list(dbs):
        why = DATABASES[d].available()
        if why:
            log(f"skipping {d}: {why}")
            res.missing.append(f"{d}: {why}")
            dbs.remove(d)

    if args.loop:
        for n in ns:
            scenario_loop(res, n, repeat if n < 1000 else repeat_big, tools, args.loop_baseline)
            # Each N's figures kept as soon as they are measured (a long run may be cut short).
            write_results(res, args, ns, [], [], repeat, repeat_big, ["sqlite"], tools, t_start)
        md = write_results(res, args, ns, [], [], repeat, repeat_big, ["sqlite"], tools, t_start, final=True)
        print()
        print(md)
        return 0
    state = prepare(ns, sorted(set(rs) | set(gr)), tools, res)
    scenario_startup(res, max(repeat, 5), tools, state)
    for r in sorted(set(rs) | set(gr)):
        scenario_graph(res, r, repeat if r < 1000 else repeat_big, tools, state)
    write_results(res, args, ns, rs, gr, repeat, repeat_big, dbs, tools, t_start)
    for d in dbs:
        dbo = DATABASES[d]
        for n in ns:
            try:
                scenario_schema(res, n, dbo, repeat if n < 1000 else repeat_big, tools, state)
            except Exception as e:  # keep measuring the rest; the report says what failed
                traceback.print_exc()
                res.missing.append(f"schema N={n} on {d} aborted: {e}")
        for r in rs:
            try:
                scenario_chain(res, r, dbo, repeat if r < 1000 else repeat_big, tools, state)
            except Exception as e:
                traceback.print_exc()
                res.missing.append(f"chain R={r} on {d} aborted: {e}")
        write_results(res, args, ns, rs, gr, repeat, repeat_big, dbs, tools, t_start)
    md = write_results(res, args, ns, rs, gr, repeat, repeat_big, dbs, tools, t_start, final=True)
    print()
    print(md)
    return 0


RUN_NAME = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")


def _mode(args) -> str:
    return "loop" if args.loop else "quick" if args.quick else "full"


def write_results(res, args, ns, rs, gr, repeat, repeat_big, dbs, tools, t_start, final=False) -> str:
    """Writes the JSON and Markdown (also after each database, so an interrupted run keeps its
    figures)."""
    res.finish()
    meta = {
        "mode": _mode(args) + ("" if final else " (partial)"),
        "repeat": repeat,
        "repeat_big": repeat_big,
        "n": ns,
        "r": rs,
        "graph_r": gr,
        "databases": dbs,
        "tools": tools,
        "wall_seconds": round(time.perf_counter() - t_start, 1),
        "machine": machine(dbs),
    }
    md = markdown(res, meta)
    if final:
        log(f"total {meta['wall_seconds']} s")
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        name = f"{RUN_NAME}-{_mode(args)}"
        (RESULTS / f"{name}.json").write_text(
            json.dumps({"meta": meta, "rows": res.rows, "builds": res.builds, "missing": res.missing, "log": LOG}, indent=1)
        )
        (RESULTS / f"{name}.md").write_text(md)
        if final:
            (RESULTS / f"latest-{_mode(args)}.md").write_text(md)
            log(f"wrote bench/results/{name}.json and .md")
    return md


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
