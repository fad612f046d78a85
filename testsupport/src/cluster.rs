//! Throwaway clusters on loopback ports, started by a test and stopped when dropped:
//!
//! - [`GaleraCluster::start`]: `n` MariaDB nodes (Debian's `galera-4`, the machine's
//!   `mariadbd`), node 1 bootstrapped with `--wsrep-new-cluster`, the others joined by rsync
//!   state transfer; ready when every node is `Synced` in a cluster of `n`.
//! - [`PgReplicaPair::start`]: a PostgreSQL primary made with `initdb` on its own port and a
//!   streaming replica of it made with `pg_basebackup -R` (`cluster_name` = the replica's
//!   name, which is its `application_name` in the primary's `pg_stat_replication`). The
//!   machine's server on 5432 is not used: its `pg_hba.conf` allows no replication.
//!
//! Each lives in its own temp dir; as root, the servers run as root (MariaDB, `--user=root`)
//! or as `postgres` (PostgreSQL refuses root), the files given to that user. A missing tool is
//! the SKIPPED / CI rule's business ([`crate::skip`]).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::{Connection, Row};

const GALERA_LIB: &str = "/usr/lib/galera/libgalera_smm.so";
const MARIADBD: &str = "/usr/sbin/mariadbd";

/// A free TCP port on 127.0.0.1 (bound and released; the servers bind it next).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn chown(path: &Path, owner: &str) {
    let ok = Command::new("chown")
        .args(["-R", owner])
        .arg(path)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "chown -R {owner} {}", path.display());
}

/// The last `n` lines of a log file, for a failure message.
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Polls `f` every 200 ms until it returns `Some`, or panics after `limit` with `what` and
/// `log`'s tail.
async fn wait_for<T, F, Fut>(limit: Duration, what: &str, log: &Path, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let start = Instant::now();
    loop {
        if let Some(v) = f().await {
            return v;
        }
        if start.elapsed() > limit {
            panic!(
                "{what}: not ready after {limit:?}; the end of {}:\n{}",
                log.display(),
                tail(log, 30)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

// ----- Galera --------------------------------------------------------------------------------

/// One node of a [`GaleraCluster`].
pub struct GaleraNode {
    pub name: String,
    /// `mysql://root@127.0.0.1:<port>/test`.
    pub url: String,
    pub port: u16,
    pub log: PathBuf,
    child: Child,
}

/// A MariaDB Galera cluster on loopback ports; every node is killed when it is dropped.
pub struct GaleraCluster {
    pub nodes: Vec<GaleraNode>,
    _dir: tempfile::TempDir,
}

impl GaleraCluster {
    /// Whether the machine can run one (galera-4, mariadbd, mariadb-install-db, rsync);
    /// `Err(what is missing)` otherwise.
    pub fn available() -> Result<(), String> {
        let have = |c: &str| {
            Command::new("sh")
                .args(["-c", &format!("command -v {c}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        if !Path::new(GALERA_LIB).exists() {
            return Err(format!("no {GALERA_LIB} (apt-get install galera-4)"));
        }
        if !Path::new(MARIADBD).exists() || !have("mariadb-install-db") {
            return Err("no mariadbd / mariadb-install-db (apt-get install mariadb-server)".into());
        }
        if !have("rsync") {
            return Err("no rsync (apt-get install rsync)".into());
        }
        Ok(())
    }

    /// Starts `n` nodes and waits until all are `Synced` in a cluster of `n`, each with a
    /// `test` database. `None` (after [`crate::skip`]) when the machine cannot run one.
    pub async fn start(n: usize, test: &str) -> Option<GaleraCluster> {
        if let Err(why) = Self::available() {
            crate::skip(&why, test);
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("retort-galera-")
            .tempdir()
            .expect("temp dir");
        // Ports: mysqld, group communication, IST, SST per node.
        let ports: Vec<[u16; 4]> = (0..n)
            .map(|_| [free_port(), free_port(), free_port(), free_port()])
            .collect();
        let address = ports
            .iter()
            .map(|p| format!("127.0.0.1:{}", p[1]))
            .collect::<Vec<_>>()
            .join(",");
        let root = is_root();
        let mut nodes = Vec::new();
        for (i, p) in ports.iter().enumerate() {
            let name = format!("node{}", i + 1);
            let data = dir.path().join(&name);
            std::fs::create_dir(&data).unwrap();
            if i == 0 {
                let out = Command::new("mariadb-install-db")
                    .arg("--no-defaults")
                    .arg(format!("--datadir={}", data.display()))
                    .args(["--auth-root-authentication-method=normal", "--skip-test-db"])
                    .args(root.then_some("--user=root"))
                    .output()
                    .expect("mariadb-install-db");
                crate::assert_ok(&out, "mariadb-install-db");
            } else if root {
                // The joiner's rsync daemon runs as `nobody` under root: it must own the
                // directory the state transfer writes into.
                chown(&data, "nobody:nogroup");
            }
            let log = dir.path().join(format!("{name}.err"));
            let mut cmd = Command::new(MARIADBD);
            cmd.arg("--no-defaults")
                .arg(format!("--datadir={}", data.display()))
                .arg(format!("--port={}", p[0]))
                .arg("--bind-address=127.0.0.1")
                .arg(format!("--socket={}", dir.path().join(format!("{name}.sock")).display()))
                .arg(format!("--pid-file={}", dir.path().join(format!("{name}.pid")).display()))
                .arg(format!("--log-error={}", log.display()))
                .args(root.then_some("--user=root"))
                .args([
                    "--wsrep-on=ON",
                    &format!("--wsrep-provider={GALERA_LIB}"),
                    &format!("--wsrep-cluster-address=gcomm://{address}"),
                    &format!(
                        "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:{};ist.recv_addr=127.0.0.1:{};base_port={};gcache.size=32M",
                        p[1], p[2], p[1]
                    ),
                    &format!("--wsrep-sst-receive-address=127.0.0.1:{}", p[3]),
                    &format!("--wsrep-node-address=127.0.0.1:{}", p[1]),
                    &format!("--wsrep-node-name={name}"),
                    "--wsrep-cluster-name=retort_test",
                    "--wsrep-sst-method=rsync",
                    "--binlog-format=ROW",
                    "--default-storage-engine=InnoDB",
                    "--innodb-autoinc-lock-mode=2",
                    "--innodb-buffer-pool-size=64M",
                    "--innodb-flush-log-at-trx-commit=0",
                    "--performance-schema=OFF",
                ])
                .args((i == 0).then_some("--wsrep-new-cluster"))
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            let child = cmd.spawn().expect("mariadbd");
            let url = format!("mysql://root@127.0.0.1:{}/test", p[0]);
            nodes.push(GaleraNode {
                name,
                url,
                port: p[0],
                log,
                child,
            });
            if i == 0 {
                // The others join a running primary component.
                let n0 = &nodes[0];
                let admin = format!("mysql://root@127.0.0.1:{}/mysql", n0.port);
                wait_for(Duration::from_secs(60), "Galera node1", &n0.log, || {
                    galera_state(&admin)
                })
                .await;
            }
        }
        let cluster = GaleraCluster { nodes, _dir: dir };
        for node in &cluster.nodes {
            let admin = format!("mysql://root@127.0.0.1:{}/mysql", node.port);
            let what = format!("Galera {} synced in a cluster of {n}", node.name);
            wait_for(Duration::from_secs(90), &what, &node.log, || async {
                galera_state(&admin)
                    .await
                    .filter(|(size, state)| *size == n && state == "Synced")
            })
            .await;
        }
        let first = format!("mysql://root@127.0.0.1:{}/mysql", cluster.nodes[0].port);
        let mut c = sqlx::MySqlConnection::connect(&first).await.unwrap();
        sqlx::raw_sql("CREATE DATABASE IF NOT EXISTS test")
            .execute(&mut c)
            .await
            .unwrap();
        let _ = c.close().await;
        Some(cluster)
    }
}

/// `(wsrep_cluster_size, wsrep_local_state_comment)` of the node at `url`, once it answers.
async fn galera_state(url: &str) -> Option<(usize, String)> {
    let mut c = sqlx::MySqlConnection::connect(url).await.ok()?;
    let rows = sqlx::raw_sql(
        "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size', 'wsrep_local_state_comment')",
    )
    .fetch_all(&mut c)
    .await
    .ok()?;
    let _ = c.close().await;
    let get = |k: &str| {
        rows.iter()
            .find(|r| r.try_get::<String, _>(0).is_ok_and(|n| n == k))
            .and_then(|r| r.try_get::<String, _>(1).ok())
    };
    Some((
        get("wsrep_cluster_size")?.parse().ok()?,
        get("wsrep_local_state_comment")?,
    ))
}

impl Drop for GaleraCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            let _ = node.child.kill();
            let _ = node.child.wait();
        }
    }
}

// ----- PostgreSQL primary + streaming replica -------------------------------------------------

/// A PostgreSQL primary and one streaming replica on loopback ports; both are stopped when it
/// is dropped.
pub struct PgReplicaPair {
    /// `postgres://postgres@127.0.0.1:<port>/postgres` of the primary.
    pub primary_url: String,
    /// The same on the replica (read-only).
    pub replica_url: String,
    /// The replica's name (`cluster_name`, its `application_name` on the primary).
    pub replica_name: String,
    bin: PathBuf,
    primary: PathBuf,
    replica: PathBuf,
    root: bool,
    dir: tempfile::TempDir,
}

impl PgReplicaPair {
    /// The newest installed PostgreSQL's `bin` directory (`/usr/lib/postgresql/<v>/bin`).
    fn bin_dir() -> Option<PathBuf> {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let v: u32 = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((v, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, b)| b)
    }

    /// Runs PostgreSQL tool `tool` (as `postgres` when this process is root).
    fn run(&self, tool: &str, args: &[&str]) -> std::process::Output {
        run_pg(&self.bin, self.root, tool, args)
    }

    /// Starts both and waits until the primary reports the replica `streaming`. `None` (after
    /// [`crate::skip`]) when the machine has no PostgreSQL server binaries.
    pub async fn start(test: &str) -> Option<PgReplicaPair> {
        let Some(bin) = Self::bin_dir() else {
            crate::skip(
                "no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)",
                test,
            );
            return None;
        };
        let root = is_root();
        let dir = tempfile::Builder::new()
            .prefix("retort-pgrepl-")
            .tempdir()
            .expect("temp dir");
        if root {
            chown(dir.path(), "postgres:postgres");
        }
        let (pp, rp) = (free_port(), free_port());
        let replica_name = format!("replica_{}", crate::unique_suffix());
        let pair = PgReplicaPair {
            primary_url: format!("postgres://postgres@127.0.0.1:{pp}/postgres"),
            replica_url: format!("postgres://postgres@127.0.0.1:{rp}/postgres"),
            replica_name: replica_name.clone(),
            primary: dir.path().join("primary"),
            replica: dir.path().join("replica"),
            bin,
            root,
            dir,
        };
        let primary = pair.primary.display().to_string();
        let replica = pair.replica.display().to_string();
        let sockets = pair.dir.path().display().to_string();
        let out = pair.run(
            "initdb",
            &[
                "-D",
                &primary,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
            ],
        );
        crate::assert_ok(&out, "initdb");
        let conf = format!(
            "\nport = {pp}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{sockets}'\nwal_level = replica\nmax_wal_senders = 5\nfsync = off\nshared_buffers = 16MB\n"
        );
        append(&pair.primary.join("postgresql.conf"), &conf);
        pair.pg_ctl_start(&primary, "primary.log");
        let out = pair.run(
            "pg_basebackup",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &pp.to_string(),
                "-U",
                "postgres",
                "-D",
                &replica,
                "-R",
                "-X",
                "stream",
                "--no-sync",
            ],
        );
        crate::assert_ok(&out, "pg_basebackup");
        append(
            &pair.replica.join("postgresql.conf"),
            &format!("\nport = {rp}\ncluster_name = '{replica_name}'\n"),
        );
        pair.pg_ctl_start(&replica, "replica.log");
        let url = pair.primary_url.clone();
        let name = replica_name.clone();
        wait_for(
            Duration::from_secs(30),
            "the replica streaming",
            &pair.dir.path().join("replica.log"),
            || {
                let (url, name) = (url.clone(), name.clone());
                async move {
                    let mut c = sqlx::PgConnection::connect(&url).await.ok()?;
                    let state: Option<String> = sqlx::query_scalar(
                        "SELECT state FROM pg_stat_replication WHERE application_name = $1",
                    )
                    .bind(&name)
                    .fetch_optional(&mut c)
                    .await
                    .ok()?;
                    let _ = c.close().await;
                    (state.as_deref() == Some("streaming")).then_some(())
                }
            },
        )
        .await;
        Some(pair)
    }

    fn pg_ctl_start(&self, data: &str, log: &str) {
        let log = self.dir.path().join(log).display().to_string();
        let out = self.run(
            "pg_ctl",
            &["-D", data, "-l", &log, "-w", "-t", "60", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start {data}: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            tail(Path::new(&log), 20)
        );
    }

    /// Stops the replica (fast shutdown): it disappears from `pg_stat_replication`.
    pub fn stop_replica(&self) {
        let out = self.run(
            "pg_ctl",
            &[
                "-D",
                &self.replica.display().to_string(),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
        );
        crate::assert_ok(&out, "pg_ctl stop");
    }
}

fn run_pg(bin: &Path, root: bool, tool: &str, args: &[&str]) -> std::process::Output {
    let exe = bin.join(tool);
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    // A working directory the postgres user can read.
    cmd.args(args)
        .current_dir("/")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()))
}

fn append(path: &Path, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    f.write_all(text.as_bytes()).unwrap();
}

impl Drop for PgReplicaPair {
    fn drop(&mut self) {
        for data in [&self.replica, &self.primary] {
            let d = data.display().to_string();
            let _ = self.run("pg_ctl", &["-D", &d, "-m", "immediate", "-w", "stop"]);
        }
    }
}
