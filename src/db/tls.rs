//! TLS for the runner's connections, read the way libpq reads it.
//!
//! The URL's `sslmode` and `sslrootcert` parameters (else the `PGSSLMODE` and
//! `PGSSLROOTCERT` environment variables, as libpq and sqlx honour them) choose how the
//! connection is protected:
//!
//! | `sslmode` | TLS | server certificate checked |
//! |---|---|---|
//! | `disable` | never | n/a |
//! | `allow`, `prefer` (default) | when the server offers it | only with `sslrootcert` |
//! | `require` | always | only with `sslrootcert` (then as `verify-ca`) |
//! | `verify-ca` | always | chain to `sslrootcert` |
//! | `verify-full` | always | chain to `sslrootcert` and host name |
//!
//! `sslrootcert` is a PEM file of trusted certificates, or `system` for the operating
//! system's store; for `verify-ca`/`verify-full` without it, `~/.postgresql/root.crt` is
//! used when it exists, as libpq does. `allow` tries TLS first (libpq tries plain first);
//! either way a server that offers TLS gets it. Unix-socket connections never use TLS.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{DbError, DbUrl};

/// The URL parameters this module reads (and removes before the URL reaches the client).
pub(super) const TLS_PARAMETERS: [&str; 2] = ["sslmode", "sslrootcert"];

/// Client-certificate parameters: refused with a clear message rather than ignored.
const UNSUPPORTED_PARAMETERS: [&str; 3] = ["sslcert", "sslkey", "sslpassword"];

/// libpq's `sslmode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// Plain connections only.
    Disable,
    /// Either; libpq tries plain first.
    Allow,
    /// Either; TLS when the server offers it (the default).
    Prefer,
    /// TLS or nothing.
    Require,
    /// TLS, and the server's certificate chains to a trusted root.
    VerifyCa,
    /// TLS, a trusted chain, and the certificate names the host connected to.
    VerifyFull,
}

impl SslMode {
    /// Parses libpq's spelling (`verify-full`, …).
    pub fn parse(text: &str) -> Result<SslMode, DbError> {
        Ok(match text {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => {
                return Err(DbError::InvalidUrl(format!(
                    "sslmode `{other}` is not one of disable, allow, prefer, require, verify-ca, \
                     verify-full"
                )));
            }
        })
    }

    /// The `postgres` client's nearest mode (it knows disable, prefer and require).
    pub fn client_mode(self) -> postgres::config::SslMode {
        match self {
            SslMode::Disable => postgres::config::SslMode::Disable,
            SslMode::Allow | SslMode::Prefer => postgres::config::SslMode::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
                postgres::config::SslMode::Require
            }
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        })
    }
}

/// Where trusted root certificates come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RootCerts {
    /// A PEM file.
    File(PathBuf),
    /// The operating system's store (`sslrootcert=system`).
    System,
}

/// The TLS settings of one URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsSettings {
    /// The mode asked for.
    pub mode: SslMode,
    /// The trusted roots asked for, if any.
    pub root_certs: Option<RootCerts>,
}

impl TlsSettings {
    /// Reads `sslmode`/`sslrootcert` from the URL's query, falling back to
    /// `PGSSLMODE`/`PGSSLROOTCERT`.
    ///
    /// ```
    /// use chatbi_db::db::DbUrl;
    /// use chatbi_db::db::tls::{RootCerts, SslMode, TlsSettings};
    /// let url = DbUrl::parse("postgres://db.example/app?sslmode=verify-full&sslrootcert=ca.pem").unwrap();
    /// let tls = TlsSettings::from_url(&url).unwrap();
    /// assert_eq!(tls.mode, SslMode::VerifyFull);
    /// assert_eq!(tls.root_certs, Some(RootCerts::File("ca.pem".into())));
    /// ```
    pub fn from_url(url: &DbUrl) -> Result<TlsSettings, DbError> {
        let param = |key: &str| {
            url.url
                .query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
        };
        if let Some(key) = UNSUPPORTED_PARAMETERS
            .iter()
            .find(|key| param(key).is_some())
        {
            return Err(DbError::InvalidUrl(format!(
                "`{key}`: client certificates are not supported; authenticate with a password \
                 (the connection can still be encrypted and the server verified with \
                 sslmode=verify-full)"
            )));
        }
        let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
        let mode = match param("sslmode").or_else(|| env("PGSSLMODE")) {
            Some(text) => SslMode::parse(&text)?,
            None => SslMode::Prefer,
        };
        let root_certs = param("sslrootcert")
            .or_else(|| env("PGSSLROOTCERT"))
            .map(|text| {
                if text == "system" {
                    RootCerts::System
                } else {
                    RootCerts::File(PathBuf::from(text))
                }
            });
        Ok(TlsSettings { mode, root_certs })
    }

    /// The rustls connector these settings call for, or `None` for plain connections.
    pub fn connector(&self) -> Result<Option<MakeRustlsConnect>, DbError> {
        if self.mode == SslMode::Disable {
            return Ok(None);
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let roots = match (&self.root_certs, self.mode) {
            (Some(roots), _) => Some(load_roots(roots)?),
            (None, SslMode::VerifyCa | SslMode::VerifyFull) => {
                let default = default_root_file().ok_or_else(|| {
                    DbError::InvalidUrl(format!(
                        "sslmode={} needs the certificate authority that signed the server's \
                         certificate: add sslrootcert=/path/to/ca.pem (or sslrootcert=system for \
                         the operating system's store) to the URL; ~/.postgresql/root.crt does \
                         not exist",
                        self.mode
                    ))
                })?;
                Some(load_roots(&RootCerts::File(default))?)
            }
            (None, _) => None,
        };
        let chain = match roots {
            None => None,
            Some(roots) => Some(
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider))
                    .build()
                    .map_err(|e| DbError::InvalidUrl(format!("sslrootcert: {e}")))?,
            ),
        };
        let verifier: Arc<dyn ServerCertVerifier> = match chain {
            Some(webpki) if self.mode == SslMode::VerifyFull => webpki,
            chain => Arc::new(Lenient { chain, algorithms }),
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| DbError::InvalidUrl(format!("TLS: {e}")))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Some(MakeRustlsConnect::new(config)))
    }
}

/// A hint for TLS failures, appended to connection errors whose text calls for one.
pub(super) fn hint_for(message: &str) -> Option<&'static str> {
    if message.contains("not valid for name") || message.contains("NotValidForName") {
        Some(
            "the server's certificate does not name the host in the URL; connect with a name the \
             certificate lists, or use sslmode=verify-ca to check the chain only",
        )
    } else if message.contains("UnknownIssuer") {
        Some(
            "the server's certificate does not chain to a root in sslrootcert; point sslrootcert \
             at the certificate authority that signed it",
        )
    } else if message.contains("server does not support TLS") {
        Some("the server does not offer TLS; use sslmode=prefer or enable ssl on the server")
    } else {
        None
    }
}

/// libpq's default root file for the verify modes.
fn default_root_file() -> Option<PathBuf> {
    let home = std::env::var_os("HOME")?;
    let path = Path::new(&home).join(".postgresql/root.crt");
    path.is_file().then_some(path)
}

fn load_roots(roots: &RootCerts) -> Result<RootCertStore, DbError> {
    let mut store = RootCertStore::empty();
    match roots {
        RootCerts::File(path) => {
            let shown = path.display();
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .and_then(|certs| certs.collect::<Result<_, _>>())
                .map_err(|e| DbError::InvalidUrl(format!("sslrootcert {shown}: {e}")))?;
            if certs.is_empty() {
                return Err(DbError::InvalidUrl(format!(
                    "sslrootcert {shown}: no PEM certificates in the file"
                )));
            }
            for cert in certs {
                store
                    .add(cert)
                    .map_err(|e| DbError::InvalidUrl(format!("sslrootcert {shown}: {e}")))?;
            }
        }
        RootCerts::System => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                let errors: Vec<String> = found.errors.iter().map(|e| e.to_string()).collect();
                return Err(DbError::InvalidUrl(format!(
                    "sslrootcert=system: no certificates in the operating system's store{}",
                    if errors.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", errors.join("; "))
                    }
                )));
            }
        }
    }
    Ok(store)
}

/// The verifier for everything but `verify-full`: with no roots (`prefer`/`require`), any
/// certificate is accepted (encryption without authentication, as libpq does); with roots
/// (`verify-ca`, or `require` given `sslrootcert`), the chain must lead to one of them and the
/// host name is not checked. webpki checks the chain before the name, so a name error means
/// the chain passed. Handshake signatures are always checked.
#[derive(Debug)]
struct Lenient {
    chain: Option<Arc<WebPkiServerVerifier>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_parse_and_map_to_the_client() {
        for (text, client) in [
            ("disable", postgres::config::SslMode::Disable),
            ("allow", postgres::config::SslMode::Prefer),
            ("prefer", postgres::config::SslMode::Prefer),
            ("require", postgres::config::SslMode::Require),
            ("verify-ca", postgres::config::SslMode::Require),
            ("verify-full", postgres::config::SslMode::Require),
        ] {
            let mode = SslMode::parse(text).unwrap();
            assert_eq!(mode.to_string(), text);
            assert_eq!(mode.client_mode(), client);
        }
        let err = SslMode::parse("verify_full").unwrap_err().to_string();
        assert!(err.contains("verify-full"), "{err}");
    }

    #[test]
    fn client_certificates_are_refused_by_name() {
        let url = DbUrl::parse("postgres://h/db?sslcert=c.pem&sslkey=k.pem").unwrap();
        let err = TlsSettings::from_url(&url).unwrap_err().to_string();
        assert!(err.contains("sslcert"), "{err}");
    }

    #[test]
    fn a_missing_root_file_is_named() {
        let url =
            DbUrl::parse("postgres://h/db?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
                .unwrap();
        let err = TlsSettings::from_url(&url)
            .unwrap()
            .connector()
            .err()
            .expect("an error")
            .to_string();
        assert!(err.contains("/nonexistent/ca.pem"), "{err}");
    }
}
