"""One schema description -> both tools.

A table is a dict ``{"name", "columns", "indexes", "uniques", "fks"}``; a column is a dict
``{"name", "type", "length", "nullable", "pk", "default"}`` with ``type`` one of
``bigint int varchar text bool timestamp numeric``. Constraint and index names follow retort's
fixed convention (``pk_<t>``, ``uq_<t>_<cols>``, ``ix_<t>_<cols>``, ``fk_<t>_<cols>_<ref>``);
the SQLAlchemy metadata gets the same ``naming_convention`` so both tools create, compare and
drop identically named objects.

From it this module writes:
* a SQLAlchemy declarative models module and an Alembic project (alembic.ini, env.py with
  ``target_metadata``, ``compare_type`` and ``compare_server_default`` on);
* a retort workspace: a ``models`` crate with ``#[derive(retort::Table)]`` structs and the
  ``cli`` crate ``retort init`` scaffolds (build.rs + include_migrations!);
* linear chains of R revisions in each tool's script format.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

CREATE_DATE = "2026-11-25 08:00:00"


# ---------------------------------------------------------------------------------------------
# The schema description
# ---------------------------------------------------------------------------------------------


def write_if_changed(path: Path, text: str) -> None:
    """Leaves an identical file untouched, so cargo does not rebuild what did not change."""
    if path.exists() and path.read_text() == text:
        return
    path.write_text(text)


def col(name, type_, *, length=None, nullable=False, pk=False, default=None):
    return {
        "name": name,
        "type": type_,
        "length": length,
        "nullable": nullable,
        "pk": pk,
        "default": default,
    }


def tname(i: int) -> str:
    return f"t{i:04d}"


def synthetic_schema(n: int) -> list[dict]:
    """N tables, 9 columns of mixed types, 1-2 indexes, a unique constraint on every third table,
    a foreign key to an earlier table on 4 tables out of 5."""
    tables = []
    for i in range(1, n + 1):
        t = tname(i)
        unique_code = i % 3 == 0
        cols = [
            col("id", "bigint", pk=True),
            col("name", "varchar", length=50 + (i * 7) % 150),
            col("code", "varchar", length=32, nullable=not unique_code),
            col("body", "text", nullable=True),
            col("active", "bool"),
            col("created_at", "timestamp", default="CURRENT_TIMESTAMP"),
            col("amount", "numeric", default="0.00"),
            col("score", "int", nullable=True),
        ]
        indexes, uniques, fks = [], [], []
        if i % 2 == 0:
            indexes.append({"name": f"ix_{t}_name", "columns": ["name"]})
        if unique_code:
            uniques.append({"name": f"uq_{t}_code", "columns": ["code"]})
        if i > 1 and i % 5 != 0:
            ref = tname((i * 7) % (i - 1) + 1)
            cols.append(col("ref_id", "bigint", nullable=True))
            fks.append(
                {"name": f"fk_{t}_ref_id_{ref}", "columns": ["ref_id"], "ref": ref, "ref_columns": ["id"]}
            )
            indexes.append({"name": f"ix_{t}_ref_id", "columns": ["ref_id"]})
        tables.append({"name": t, "columns": cols, "indexes": indexes, "uniques": uniques, "fks": fks})
    return tables


def rev_id(tag: str, k: int) -> str:
    return hashlib.sha1(f"{tag}-{k}".encode()).hexdigest()[:12]


def chain(r: int) -> list[dict]:
    """R linear revisions; revision k creates a table when k % 3 == 1, else adds a nullable column
    to the most recently created table. Returns revisions with ``op`` = ("create_table", table) or
    ("add_column", table_name, column)."""
    revs = []
    down = None
    last_table = None
    for k in range(1, r + 1):
        rid = rev_id(f"chain{r}", k)
        if k % 3 == 1:
            name = f"k{k:05d}"
            cols = [
                col("id", "bigint", pk=True),
                col("name", "varchar", length=100),
                col("created_at", "timestamp", nullable=True),
            ]
            fks = []
            if last_table is not None:
                cols.append(col("parent_id", "bigint", nullable=True))
                fks.append(
                    {
                        "name": f"fk_{name}_parent_id_{last_table}",
                        "columns": ["parent_id"],
                        "ref": last_table,
                        "ref_columns": ["id"],
                    }
                )
            table = {"name": name, "columns": cols, "indexes": [], "uniques": [], "fks": fks}
            op = ("create_table", table)
            msg = f"create table {name}"
            last_table = name
        else:
            ty = "int" if k % 2 else "varchar"
            c = col(f"c{k:05d}", ty, length=50 if ty == "varchar" else None, nullable=True)
            op = ("add_column", last_table, c)
            msg = f"add column c{k:05d} to {last_table}"
        revs.append({"rev": rid, "down": down, "op": op, "message": msg, "slug": msg.replace(" ", "_")})
        down = rid
    return revs


def chain_final_schema(revs: list[dict]) -> list[dict]:
    tables: dict[str, dict] = {}
    for r in revs:
        op = r["op"]
        if op[0] == "create_table":
            t = op[1]
            tables[t["name"]] = {**t, "columns": list(t["columns"])}
        else:
            tables[op[1]]["columns"].append(op[2])
    return list(tables.values())


# ---------------------------------------------------------------------------------------------
# SQLAlchemy / Alembic
# ---------------------------------------------------------------------------------------------

SA_TYPES = {
    "bigint": lambda c: "sa.BigInteger()",
    "int": lambda c: "sa.Integer()",
    "varchar": lambda c: f"sa.String({c['length']})",
    "text": lambda c: "sa.Text()",
    "bool": lambda c: "sa.Boolean()",
    "timestamp": lambda c: "sa.DateTime()",
    "numeric": lambda c: "sa.Numeric(10, 2)",
}

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}

PY_ANNOT = {
    "bigint": "int",
    "int": "int",
    "varchar": "str",
    "text": "str",
    "bool": "bool",
    "timestamp": "datetime.datetime",
    "numeric": "decimal.Decimal",
}


def _column_keys(t: dict) -> tuple[dict, set, set]:
    """The synthetic schema's keys are on one column each: the foreign key of each column that
    has one, the indexed columns, the unique columns."""
    fk_of = {fk["columns"][0]: fk for fk in t["fks"]}
    indexed = {ix["columns"][0] for ix in t["indexes"]}
    uniq = {u["columns"][0] for u in t["uniques"]}
    return fk_of, indexed, uniq


def write_sqlalchemy_models(tables: list[dict], path: Path) -> None:
    """Declarative models (SQLAlchemy 2.0 style, Mapped[] + mapped_column), the way an Alembic
    user writes them."""
    out = [
        '"""Generated by bench/gen.py: the synthetic schema as SQLAlchemy declarative models."""',
        "import datetime",
        "import decimal",
        "from typing import Optional",
        "",
        "import sqlalchemy as sa",
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column",
        "",
        "",
        "class Base(DeclarativeBase):",
        f"    metadata = sa.MetaData(naming_convention={NAMING_CONVENTION!r})",
        "",
    ]
    for t in tables:
        fk_of, indexed, uniq = _column_keys(t)
        out += ["", f"class {t['name'].capitalize()}(Base):", f"    __tablename__ = {t['name']!r}"]
        for c in t["columns"]:
            ann = PY_ANNOT[c["type"]]
            if c["nullable"]:
                ann = f"Optional[{ann}]"
            args = [SA_TYPES[c["type"]](c)]
            if c["name"] in fk_of:
                fk = fk_of[c["name"]]
                args.append(f"sa.ForeignKey({fk['ref'] + '.' + fk['ref_columns'][0]!r})")
            if c["pk"]:
                args.append("primary_key=True")
            else:
                args.append(f"nullable={c['nullable']}")
            if c["name"] in indexed:
                args.append("index=True")
            if c["name"] in uniq:
                args.append("unique=True")
            if c["default"] is not None:
                args.append(f"server_default=sa.text({c['default']!r})")
            out.append(f"    {c['name']}: Mapped[{ann}] = mapped_column({', '.join(args)})")
    out.append("")
    path.write_text("\n".join(out))


ALEMBIC_INI = """\
# Generated by bench/gen.py. The database URL comes from the environment (BENCH_URL).
[alembic]
script_location = %(here)s
prepend_sys_path = .
path_separator = os

[loggers]
keys = root,sqlalchemy,alembic

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console
qualname =

[logger_sqlalchemy]
level = WARNING
handlers =
qualname = sqlalchemy.engine

[logger_alembic]
level = INFO
handlers =
qualname = alembic

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %(levelname)-5.5s [%(name)s] %(message)s
datefmt = %H:%M:%S
"""

ENV_PY = """\
# Generated by bench/gen.py: Alembic's generic env.py with target_metadata from models.py,
# compare_type and compare_server_default on, URL from BENCH_URL.
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, event, pool

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

{metadata_import}

URL = os.environ["BENCH_URL"]


def run_migrations_offline() -> None:
    context.configure(
        url=URL,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={{"paramstyle": "named"}},
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = create_engine(URL, poolclass=pool.NullPool)
    count_file = os.environ.get("BENCH_COUNT_FILE")
    if count_file and URL.startswith("sqlite"):
        # Query counting for SQLite (no server to ask): every statement SQLite runs.
        counter = [0]

        @event.listens_for(connectable, "connect")
        def _trace(dbapi_conn, _record):
            def cb(_stmt):
                counter[0] += 1

            dbapi_conn.set_trace_callback(cb)

        import atexit

        atexit.register(lambda: open(count_file, "w").write(str(counter[0])))
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            compare_server_default=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
"""


def _venv_template() -> Path:
    import glob

    hits = glob.glob(str(HERE / ".venv/lib/python*/site-packages/alembic/templates/generic/script.py.mako"))
    if not hits:
        raise SystemExit("alembic is not installed in bench/.venv")
    return Path(hits[0])


def write_alembic_project(d: Path, tables: list[dict] | None) -> None:
    """An Alembic project in ``d``; ``tables`` None means no models (target_metadata = None)."""
    if d.exists():
        shutil.rmtree(d)
    (d / "versions").mkdir(parents=True)
    (d / "alembic.ini").write_text(ALEMBIC_INI)
    shutil.copy(_venv_template(), d / "script.py.mako")
    if tables is None:
        imp = "target_metadata = None"
    else:
        write_sqlalchemy_models(tables, d / "models.py")
        imp = "from models import Base\n\ntarget_metadata = Base.metadata"
    (d / "env.py").write_text(ENV_PY.format(metadata_import=imp))


def _alembic_create_table(t: dict) -> list[str]:
    lines = [f"    op.create_table(", f"        {t['name']!r},"]
    for c in t["columns"]:
        extra = ", autoincrement=True" if c["pk"] else ""
        dflt = f", server_default=sa.text({c['default']!r})" if c["default"] is not None else ""
        lines.append(
            f"        sa.Column({c['name']!r}, {SA_TYPES[c['type']](c)}, nullable={c['nullable']}{extra}{dflt}),"
        )
    pk = [c["name"] for c in t["columns"] if c["pk"]]
    lines.append(f"        sa.PrimaryKeyConstraint({', '.join(map(repr, pk))}, name={'pk_' + t['name']!r}),")
    for u in t["uniques"]:
        lines.append(f"        sa.UniqueConstraint({', '.join(map(repr, u['columns']))}, name={u['name']!r}),")
    for fk in t["fks"]:
        refs = [f"{fk['ref']}.{c}" for c in fk["ref_columns"]]
        lines.append(f"        sa.ForeignKeyConstraint({fk['columns']!r}, {refs!r}, name={fk['name']!r}),")
    lines.append("    )")
    for ix in t["indexes"]:
        lines.append(f"    op.create_index({ix['name']!r}, {t['name']!r}, {ix['columns']!r}, unique=False)")
    return lines


ALEMBIC_OPS = (
    _alembic_create_table,
    lambda t: f"    op.drop_table({t!r})",
    lambda t, c: f"    op.add_column({t!r}, sa.Column({c['name']!r}, {SA_TYPES[c['type']](c)}, nullable=True))",
    lambda t, c: f"    op.drop_column({t!r}, {c!r})",
)


def _script_text(r: dict, template: str, ops: tuple, message: str) -> str:
    """Revision `r` of a chain as the tool's script `template`. Its operation is
    `("create_table", table)` or `("add_column", table_name, column)`; `ops` are the tool's
    (create table, drop table, add column, drop column) line writers."""
    create_table, drop_table, add_column, drop_column = ops
    op = r["op"]
    if op[0] == "create_table":
        up, down = create_table(op[1]), [drop_table(op[1]["name"])]
    else:
        _, t, c = op
        up, down = [add_column(t, c)], [drop_column(t, c["name"])]
    return template.format(
        message=message, rev=r["rev"], down=r["down"], down_or_empty=r["down"] or "",
        create_date=CREATE_DATE, up="\n".join(up), down_lines="\n".join(down),
    )


ALEMBIC_SCRIPT = '''"""{message}

Revision ID: {rev}
Revises: {down_or_empty}
Create Date: {create_date}

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

revision: str = {rev!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
{up}


def downgrade() -> None:
{down_lines}
'''


def write_alembic_chain(d: Path, revs: list[dict]) -> None:
    for r in revs:
        text = _script_text(r, ALEMBIC_SCRIPT, ALEMBIC_OPS, r["message"])
        (d / "versions" / f"{r['rev']}_{r['slug']}.py").write_text(text)


# ---------------------------------------------------------------------------------------------
# retort
# ---------------------------------------------------------------------------------------------

RS_FIELD = {
    "bigint": "i64",
    "int": "i32",
    "varchar": "String",
    "text": "String",
    "bool": "bool",
    "timestamp": "chrono::NaiveDateTime",
    "numeric": "rust_decimal::Decimal",
}

RS_SQLTYPE = {
    "bigint": lambda c: "SqlType::BigInt",
    "int": lambda c: "SqlType::Integer",
    "varchar": lambda c: f"SqlType::Varchar({c['length']})",
    "text": lambda c: "SqlType::Text",
    "bool": lambda c: "SqlType::Boolean",
    "timestamp": lambda c: "SqlType::Timestamp { with_time_zone: false }",
    "numeric": lambda c: "SqlType::Decimal { precision: Some(10), scale: Some(2) }",
}


def write_retort_models(tables: list[dict], path: Path) -> None:
    out = [
        "//! Generated by bench/gen.py: the synthetic schema as retort models.",
        "#![allow(dead_code)]",
        "",
    ]
    for t in tables:
        fk_of, indexed, uniq = _column_keys(t)
        out += ["#[derive(retort::Table)]", f'#[table(name = "{t["name"]}")]', f"pub struct {t['name'].capitalize()} {{"]
        for c in t["columns"]:
            attrs = []
            if c["pk"]:
                attrs.append("primary_key")
            if c["type"] == "varchar":
                attrs.append(f"length = {c['length']}")
            if c["type"] == "numeric":
                attrs.append("precision = 10, scale = 2")
            if c["name"] in uniq:
                attrs.append("unique")
            if c["name"] in fk_of:
                fk = fk_of[c["name"]]
                attrs.append(f'references = "{fk["ref"]}.{fk["ref_columns"][0]}"')
            if c["name"] in indexed:
                attrs.append("index")
            if c["default"] is not None:
                attrs.append(f'server_default = "{c["default"]}"')
            if attrs:
                out.append(f"    #[column({', '.join(attrs)})]")
            ty = RS_FIELD[c["type"]]
            if c["nullable"]:
                ty = f"Option<{ty}>"
            out.append(f"    pub {c['name']}: {ty},")
        out += ["}", ""]
    write_if_changed(path, "\n".join(out))


def _rel(target: Path, start: Path) -> str:
    return os.path.relpath(target, start).replace(os.sep, "/")


def write_retort_workspace(d: Path, tables: list[dict], repo: Path = REPO) -> None:
    """A workspace shaped like what `retort init` scaffolds: models/, cli/, migrations/versions/,
    retort.toml. Existing migrations/versions/ content is removed. `repo`: the retort checkout
    the workspace depends on (another one for a before/after comparison)."""
    (d / "models" / "src").mkdir(parents=True, exist_ok=True)
    (d / "cli" / "src").mkdir(parents=True, exist_ok=True)
    versions = d / "migrations" / "versions"
    if versions.exists():
        shutil.rmtree(versions)
    versions.mkdir(parents=True)
    write_if_changed(versions / ".gitkeep", "")
    runtime = _rel(repo / "runtime", d / "models")
    # Every bench workspace shares one target dir, and cargo hashes a path package by its path
    # relative to its workspace root: same names and versions in two workspaces would share
    # artifacts. A per-workspace pre-release version keeps them apart.
    version = "0.1.0-" + d.name.replace("retort-", "").replace("_", "-")
    build = _rel(repo / "build", d / "cli")
    write_if_changed(d / "Cargo.toml", 
        '# Generated by bench/gen.py.\n[workspace]\nresolver = "2"\nmembers = ["models", "cli"]\n\n'
        '# As `retort init` writes it: migration scripts are straight-line code that builds lists of\n'
        '# operations; optimizing them buys nothing and costs minutes on a 1,000-table migration.\n'
        '# retort itself, sqlx and the models stay optimized.\n'
        '[profile.release.package.cli]\nopt-level = 0\n\n'
        '# As `retort init` writes it: the derive (and syn under it) optimized in debug builds.\n'
        + "".join(f'[profile.dev.package.{p}]\nopt-level = 3\n' for p in ["retort-macros", "syn", "proc-macro2", "quote"])
        + '\n# As `retort init` writes it: line tables for the members, no debug info for dependencies\n'
        '# (a faster link of cli after each models edit).\n'
        '[profile.dev]\ndebug = "line-tables-only"\n[profile.dev.package."*"]\ndebug = false\n'
        '\n# As `retort init` writes it: the crates that compare models and database optimized.\n'
        + "".join(f'[profile.dev.package.{p}]\nopt-level = 2\n' for p in ["retort", "retort-schema", "retort-sqllex", "retort-sql", "retort-diff", "retort-introspect", "retort-revision"])
    )
    lock = repo / "Cargo.lock"
    if lock.exists() and not (d / "Cargo.lock").exists():
        # Start from the repository's lock file so the bench builds the same dependency versions.
        shutil.copy(lock, d / "Cargo.lock")
    write_if_changed(d / "models" / "Cargo.toml", 
        f"""[package]
name = "models"
version = "{version}"
edition = "2021"
publish = false

[dependencies]
retort = {{ path = "{runtime}", features = ["sqlite", "chrono", "decimal"] }}
chrono = {{ version = "0.4", default-features = false, features = ["clock", "std"] }}
rust_decimal = "1"
"""
    )
    write_retort_models(tables, d / "models" / "src" / "lib.rs")
    write_if_changed(d / "cli" / "Cargo.toml", 
        f"""[package]
name = "cli"
version = "{version}"
edition = "2021"
publish = false

[dependencies]
retort = {{ path = "{_rel(repo / 'runtime', d / 'cli')}", features = ["sqlite", "postgres", "mysql", "cli"] }}
models = {{ path = "../models" }}

[build-dependencies]
retort-build = {{ path = "{build}" }}
"""
    )
    write_if_changed(d / "cli" / "build.rs", 
        'fn main() {\n    retort_build::migrations("../migrations").unwrap();\n}\n'
    )
    write_if_changed(d / "cli" / "src" / "main.rs", 
        "use models as _;\n\nretort::include_migrations!();\n\nfn main() {\n    retort::cli::main(migrations())\n}\n"
    )
    write_if_changed(d / "retort.toml", 
        '# Generated by bench/gen.py; the bench passes --url on every command.\n'
        'script_location = "migrations"\n'
        'database_url = "sqlite://bench.db?mode=rwc"\n'
        'version_table = "retort_version"\n'
    )


def _rs_column(c: dict) -> str:
    s = f'Column::new("{c["name"]}", {RS_SQLTYPE[c["type"]](c)})'
    if c["pk"]:
        s += ".autoincrement()"
    if c["nullable"]:
        s += ".nullable(true)"
    if c["default"] is not None:
        s += f'.default("{c["default"]}")'
    return s


def _rs_create_table(t: dict) -> list[str]:
    lines = ["    m.create_table(", f'        Table::new("{t["name"]}")']
    for c in t["columns"]:
        lines.append(f"            .with_column({_rs_column(c)})")
    pk = ", ".join(f'"{c["name"]}"' for c in t["columns"] if c["pk"])
    lines.append(f'            .primary_key("pk_{t["name"]}", [{pk}])')
    for u in t["uniques"]:
        cols = ", ".join(f'"{c}"' for c in u["columns"])
        lines.append(f'            .unique(Unique::new("{u["name"]}", [{cols}]))')
    for ix in t["indexes"]:
        cols = ", ".join(f'"{c}"' for c in ix["columns"])
        lines.append(f'            .index(Index::new("{ix["name"]}", [{cols}]))')
    for fk in t["fks"]:
        cols = ", ".join(f'"{c}"' for c in fk["columns"])
        rcols = ", ".join(f'"{c}"' for c in fk["ref_columns"])
        lines.append(f'            .foreign_key(ForeignKey::new("{fk["name"]}", [{cols}], "{fk["ref"]}", [{rcols}]))')
    lines[-1] += ","
    lines.append("    );")
    return lines


RETORT_OPS = (
    _rs_create_table,
    lambda t: f'    m.drop_table("{t}");',
    lambda t, c: f'    m.add_column("{t}", {_rs_column(c)});',
    lambda t, c: f'    m.drop_column("{t}", "{c}");',
)


RETORT_SCRIPT = """//! {message}
//!
//! Revision ID: {rev}
//! Revises: {down_or_empty}
//! Branch labels:
//! Depends on:
//! Create date: {create_date} UTC

use retort::migration::prelude::*;

pub fn upgrade(m: &mut Migration) {{
{up}
}}

pub fn downgrade(m: &mut Migration) {{
{down_lines}
}}
"""


def write_retort_chain(d: Path, revs: list[dict]) -> None:
    versions = d / "migrations" / "versions"
    wanted = {f"{r['rev']}_{r['slug']}.rs" for r in revs}
    for p in versions.glob("*.rs"):
        if p.name not in wanted:
            p.unlink()
    for r in revs:
        message = r["message"][0].upper() + r["message"][1:]
        text = _script_text(r, RETORT_SCRIPT, RETORT_OPS, message)
        write_if_changed(versions / f"{r['rev']}_{r['slug']}.rs", text)
