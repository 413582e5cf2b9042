//! TLS against a real server: a cluster of this test's own (always local, even when
//! `DATABASE_URL` is set: the test needs to configure the server's certificate and
//! `pg_hba.conf`), with `ssl = on`, a server certificate for `localhost` signed by a CA
//! made here with `openssl`, and `pg_hba.conf` rejecting every plain TCP connection.
//!
//! Checked: each `sslmode` behaves as libpq documents (verify-full checks chain and host
//! name, verify-ca the chain only, require and prefer encrypt without checking), failures
//! say why, and the CLI and the app's sqlx pool both work over verified TLS.

mod support;

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chatbi_db::db::DbUrl;
use chatbi_db::pg::{ClusterOptions, LocalCluster};
use support::{assert_exit, run, text};

/// Stops the cluster however the test ends.
struct Server {
    cluster: LocalCluster,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.cluster.stop_immediately();
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs (Debian package `openssl`)");
    assert!(
        out.status.success(),
        "openssl {args:?}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `openssl req` arguments for a new unencrypted P-256 key.
const NEW_EC_KEY: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
];

/// A CA (`<name>.crt`, `<name>.key`).
fn make_ca(dir: &Path, name: &str) -> PathBuf {
    let key = format!("{name}.key");
    let crt = format!("{name}.crt");
    let subject = format!("/CN={name}");
    let mut args = vec!["req", "-x509", "-new"];
    args.extend(NEW_EC_KEY);
    args.extend([
        "-keyout",
        &key,
        "-out",
        &crt,
        "-days",
        "2",
        "-subj",
        &subject,
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    openssl(dir, &args);
    dir.join(format!("{name}.crt"))
}

/// `server.crt`/`server.key` for `localhost` only, signed by the CA `ca`.
fn make_server_cert(dir: &Path, ca: &str) {
    let mut args = vec!["req", "-new"];
    args.extend(NEW_EC_KEY);
    args.extend([
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    openssl(dir, &args);
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n\
         keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ],
    );
}

/// Installs the certificate, turns TLS on and plain TCP off, and reloads the server.
fn enable_tls(cluster: &LocalCluster, certs: &Path) {
    let data = cluster.root().join("data");
    let owner = std::fs::metadata(&data).unwrap();
    for (file, mode) in [("server.crt", 0o644), ("server.key", 0o600)] {
        let to = data.join(file);
        std::fs::copy(certs.join(file), &to).unwrap();
        std::os::unix::fs::chown(&to, Some(owner.uid()), Some(owner.gid())).unwrap();
        std::fs::set_permissions(&to, std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    }
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\n\
         hostssl all all 127.0.0.1/32 trust\n\
         hostssl all all ::1/128 trust\n\
         hostnossl all all 0.0.0.0/0 reject\n\
         hostnossl all all ::/0 reject\n",
    )
    .unwrap();
    let mut client = cluster.url("postgres").connect().expect("plain connect");
    // One statement per message: ALTER SYSTEM refuses to run inside a multi-statement batch.
    for statement in [
        "ALTER SYSTEM SET ssl = on",
        "ALTER SYSTEM SET ssl_cert_file = 'server.crt'",
        "ALTER SYSTEM SET ssl_key_file = 'server.key'",
        "SELECT pg_reload_conf()",
    ] {
        client
            .batch_execute(statement)
            .unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
}

/// A URL to the cluster through `host`, with the given query.
fn url(cluster: &LocalCluster, host: &str, database: &str, query: &str) -> String {
    format!(
        "postgres://postgres@{host}:{}/{database}?{query}",
        cluster.port()
    )
}

/// Whether the session behind `client` is encrypted, as the server sees it.
fn encrypted(client: &mut postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .expect("pg_stat_ssl")
        .get(0)
}

fn connect(url: &str) -> Result<postgres::Client, String> {
    DbUrl::parse(url)
        .and_then(|u| u.connect())
        .map_err(|e| e.to_string())
}

/// The error connecting to `url` (panics when it connects).
fn refused(url: &str) -> String {
    match connect(url) {
        Ok(_) => panic!("{url} connected"),
        Err(e) => e,
    }
}

#[test]
fn sslmodes_behave_as_libpq_documents() {
    let dir = tempfile::Builder::new()
        .prefix("chatbi-db-tls-")
        .tempdir()
        .unwrap();
    let certs = dir.path().join("certs");
    std::fs::create_dir(&certs).unwrap();
    let ca = make_ca(&certs, "chatbi-test-ca");
    let other_ca = make_ca(&certs, "some-other-ca");
    make_server_cert(&certs, "chatbi-test-ca");
    let cluster =
        LocalCluster::ensure_running(&dir.path().join("pg"), &ClusterOptions::ephemeral())
            .expect("start a cluster");
    let server = Server { cluster, _dir: dir };
    let cluster = &server.cluster;
    enable_tls(cluster, &certs);
    let ca = ca.display().to_string();
    let verify_full = url(
        cluster,
        "localhost",
        "postgres",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    // The reload takes effect shortly after pg_reload_conf returns.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut client = loop {
        match connect(&verify_full) {
            Ok(client) => break client,
            Err(e) if Instant::now() > deadline => panic!("verify-full never connected: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    };
    assert!(encrypted(&mut client), "verify-full session not encrypted");

    // Plain TCP is refused by pg_hba.conf, so every success below is a TLS session.
    let err = refused(&url(cluster, "127.0.0.1", "postgres", "sslmode=disable"));
    assert!(err.contains("no encryption"), "{err}");

    // prefer (the default) and require encrypt without checking the certificate.
    for query in ["", "sslmode=prefer", "sslmode=allow", "sslmode=require"] {
        let mut client = connect(&url(cluster, "127.0.0.1", "postgres", query))
            .unwrap_or_else(|e| panic!("{query:?}: {e}"));
        assert!(encrypted(&mut client), "{query:?}");
    }

    // The certificate names localhost only: verify-full refuses 127.0.0.1, verify-ca accepts.
    let err = refused(&url(
        cluster,
        "127.0.0.1",
        "postgres",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ));
    assert!(err.contains("not valid for name \"127.0.0.1\""), "{err}");
    assert!(
        err.contains("HINT: the server's certificate does not name the host"),
        "{err}"
    );
    let mut client = connect(&url(
        cluster,
        "127.0.0.1",
        "postgres",
        &format!("sslmode=verify-ca&sslrootcert={ca}"),
    ))
    .expect("verify-ca ignores the host name");
    assert!(encrypted(&mut client));

    // A root that did not sign the certificate: both verify modes, and require with a
    // root (which libpq treats as verify-ca), refuse.
    for mode in ["verify-full", "verify-ca", "require"] {
        let err = refused(&url(
            cluster,
            "localhost",
            "postgres",
            &format!("sslmode={mode}&sslrootcert={}", other_ca.display()),
        ));
        assert!(err.contains("UnknownIssuer"), "{mode}: {err}");
        assert!(
            err.contains("HINT: the server's certificate does not chain"),
            "{mode}: {err}"
        );
    }

    // The CLI migrates both ChatBI databases over verified TLS (the runner on the postgres
    // client, the default datasource through the app's sqlx pool), then sees them clean.
    let out = run(&verify_full, &["upgrade"]);
    assert_exit(&out, 0);
    let out = run(&verify_full, &["status"]);
    assert_exit(&out, 0);
    assert!(text(&out).contains("chatbi"), "{}", text(&out));

    // The app's own sqlx pool, on the same URL, is encrypted too.
    let chatbi = url(
        cluster,
        "localhost",
        "chatbi",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (ssl, datasources): (bool, i64) = runtime.block_on(async {
        let pool = sqlx::PgPool::connect(&chatbi).await.expect("sqlx connects");
        let ssl = sqlx::query_scalar::<_, bool>(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let n = sqlx::query_scalar::<_, i64>("SELECT count(*) FROM datasources WHERE is_default")
            .fetch_one(&pool)
            .await
            .unwrap();
        (ssl, n)
    });
    assert!(ssl, "sqlx session not encrypted");
    assert_eq!(datasources, 1, "upgrade created the default datasource");
}
