"""SQLite's per-migration floor with retort's guarantees (issue 14 item 3): times, interleaved,
retort's `upgrade head` of the R = 200 bench chain, the `sqlite3` client running the chain with a
transaction per migration, and the same client also running the SQL retort adds to each
migration (`PRAGMA foreign_keys` off/on, `BEGIN IMMEDIATE`, the version table's re-read, a
savepoint, the log row, `PRAGMA foreign_key_check`). Needs a `bench/run` of R = 200 on SQLite
first (its workspace and stash). `python3 bench/sqlite_floor.py`"""
import subprocess,time,statistics,os,re
import pathlib
HERE=pathlib.Path(__file__).resolve().parent
W=str(HERE/'work'/'retort-r200')
tpm=open(str(HERE/'work'/'stash'/'r200-up-tpm-sqlite.sql')).read()
# the client doing what retort's default does around each migration
blocks=tpm.split('BEGIN;\n')
out=["CREATE TABLE IF NOT EXISTS vlog (id INTEGER PRIMARY KEY AUTOINCREMENT, revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, file_name VARCHAR(255), applied_at TEXT NOT NULL, duration_ms INTEGER, retort_version VARCHAR(32));\n"]
for i,b in enumerate(blocks):
    if "CREATE TABLE alembic_version" in b:
        out.append("BEGIN;\n"+b); continue
    if not b.strip(): continue
    body=b.replace('COMMIT;\n','')
    out.append("PRAGMA foreign_keys = OFF;\nBEGIN IMMEDIATE;\nSELECT version_num FROM alembic_version;\nSAVEPOINT b;\n" + body +
      f"INSERT INTO vlog (revision,direction,checksum,file_name,applied_at,duration_ms,retort_version) VALUES ('r{i}','upgrade','8855390217085c97','r{i}_x.rs',strftime('%Y-%m-%d %H:%M:%f','now'),1,'0.1.0');\nRELEASE b;\nPRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;\n")
open('/tmp/floor.sql','w').write(''.join(out))
def rm(f):
    for suf in ['','-journal','-wal','-shm']:
        try: os.unlink(f+suf)
        except FileNotFoundError: pass
def t(argv, stdin=None, cwd=None):
    t0=time.perf_counter(); subprocess.run(argv,cwd=cwd,check=True,capture_output=True,stdin=open(stdin) if stdin else None); return time.perf_counter()-t0
R=[];C=[];F=[]
for k in range(15):
    rm('/tmp/f-r.db'); R.append(t(['./bin/cli','--url','sqlite:///tmp/f-r.db?mode=rwc','-q','upgrade','head'],cwd=W))
    rm('/tmp/f-c.db'); C.append(t(['sqlite3','-bail','/tmp/f-c.db'],stdin=str(HERE/'work'/'stash'/'r200-up-tpm-sqlite.sql')))
    rm('/tmp/f-f.db'); F.append(t(['sqlite3','-bail','/tmp/f-f.db'],stdin='/tmp/floor.sql'))
m=statistics.median
print(f"retort {m(R)*1000:.0f} ms | client, per-migration commits {m(C)*1000:.0f} ms | client + retort's per-migration SQL {m(F)*1000:.0f} ms | retort/client {m(R)/m(C):.2f}x, retort/(client+SQL) {m(R)/m(F):.2f}x")
