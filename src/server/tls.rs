//! TLS with rustls (ring provider): TLS 1.3 and 1.2 only, HTTP/1.1 by ALPN.
//! Each handshake runs on its connection's own task, bounded in time
//! ([`super::conn::HANDSHAKE_TIMEOUT`]), so one slow client never holds up the others.

use crate::error::{Error, Result};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// The rustls server configuration: TLS 1.2 minimum, no client certificates.
pub fn server_config(cert: &Path, key: &Path) -> Result<ServerConfig> {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .map_err(|e| Error::config(format!("cannot read the TLS certificate {}: {e}", cert.display())))?
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::config(format!("cannot parse the TLS certificate {}: {e}", cert.display())))?;
    if certs.is_empty() {
        return Err(Error::config(format!("no certificate in {}", cert.display())));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|e| Error::config(format!("cannot read the TLS key {}: {e}", key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| Error::config(format!("TLS configuration: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::config(format!("TLS certificate and key do not fit: {e}")))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor> {
    Ok(TlsAcceptor::from(Arc::new(server_config(cert, key)?)))
}
