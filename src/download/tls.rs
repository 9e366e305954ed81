//! Which HTTPS servers gover trusts: the system's CAs plus the user's (GOVER_CA_FILE,
//! SSL_CERT_FILE, SSL_CERT_DIR, each adding to the system's), and a server certificate that
//! the user's CA file holds exactly. That last case is a self-signed mirror certificate made
//! with `openssl req -x509`, which marks it a CA: rustls's verifier refuses a CA as a server's
//! own certificate, where curl, wget, Python and go accept one the user trusts explicitly
//! (still for its name, and only if its extended key usage allows a server, as they check).
//! Everything else is refused as before, and refusals are put in words.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

use crate::error::{Error, Kind, Result};

/// Where Linux and BSD distributions keep the system CA bundle. The platform loader reads it
/// only when SSL_CERT_FILE/SSL_CERT_DIR are unset; gover reads it besides them, so those
/// variables add trust instead of replacing it.
const SYSTEM_BUNDLES: [&str; 6] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
    "/usr/local/share/certs/ca-root-nss.crt",
];

/// The certificates the user named, read from the environment once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrustSettings {
    /// GOVER_CA_FILE.
    pub ca_file: Option<PathBuf>,
    /// SSL_CERT_FILE.
    pub ssl_cert_file: Option<PathBuf>,
    /// SSL_CERT_FILE or SSL_CERT_DIR is set, so the platform loader reads only those.
    pub ssl_cert_vars: bool,
}

/// The TLS configuration of gover's HTTP client.
pub fn client_config(settings: &TrustSettings) -> Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    // Unreadable entries of the system's store are skipped, as every TLS client does.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if settings.ssl_cert_vars {
        let bundle = SYSTEM_BUNDLES.iter().find_map(|path| std::fs::read(path).ok()).unwrap_or_default();
        roots.add_parsable_certificates(CertificateDer::pem_slice_iter(&bundle).flatten());
    }
    let mut exact = Vec::new();
    if let Some(path) = &settings.ca_file {
        let certs = read_ca_file(path)?;
        roots.add_parsable_certificates(certs.iter().cloned());
        exact.extend(certs);
    }
    if let Some(path) = &settings.ssl_cert_file {
        let pem = std::fs::read(path).unwrap_or_default();
        exact.extend(CertificateDer::pem_slice_iter(&pem).flatten());
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| Error::new(Kind::Network, "cannot set up HTTPS").cause(e))?;
    let verifier = Arc::new(Verifier { webpki, exact, provider: provider.clone() });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::new(Kind::Network, "cannot set up HTTPS").cause(e))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    // reqwest leaves ALPN to a configuration it is given.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path).map_err(|e| {
        Error::new(Kind::Environment, format!("cannot read GOVER_CA_FILE={}", path.display()))
            .cause(e)
            .hint("point GOVER_CA_FILE at a PEM file of CA certificates, or unset it")
    })?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&pem).flatten().collect();
    if certs.is_empty() {
        return Err(Error::new(
            Kind::Environment,
            format!("GOVER_CA_FILE={} holds no PEM certificate", path.display()),
        )
        .hint("it should contain -----BEGIN CERTIFICATE----- blocks"));
    }
    Ok(certs)
}

/// rustls's own verifier, plus: a server certificate held exactly in the user's CA file is
/// trusted even though it is marked a CA, if it is valid now, for the server's name, and for
/// a server.
#[derive(Debug)]
struct Verifier {
    webpki: Arc<WebPkiServerVerifier>,
    exact: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Verifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.webpki.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now);
        match verdict {
            Err(rustls::Error::InvalidCertificate(CertificateError::Other(other)))
                if matches!(other.0.downcast_ref(), Some(webpki::Error::CaUsedAsEndEntity))
                    && self.exact.iter().any(|trusted| trusted.as_ref() == end_entity.as_ref()) =>
            {
                // webpki checks a certificate's dates before its CA flag, so reaching the flag
                // means it is valid now; the name is what is left to check.
                let parsed = rustls::server::ParsedCertificate::try_from(end_entity)?;
                rustls::client::verify_server_name(&parsed, server_name)?;
                // webpki checks the extended key usage after the CA flag, so it never got there.
                if !allows_server_auth(end_entity.as_ref()) {
                    return Err(CertificateError::InvalidPurpose.into());
                }
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// 2.5.29.37, the extended key usage extension (RFC 5280 4.2.1.12), and 1.3.6.1.5.5.7.3.1,
/// its serverAuth purpose, as DER encodes them.
const EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];

/// Whether a certificate (DER) may identify a server: it has no extended key usage, or one
/// that lists serverAuth, as webpki requires of the certificates it checks itself. A
/// certificate that cannot be read that far may not.
fn allows_server_auth(cert: &[u8]) -> bool {
    server_auth_in(cert).unwrap_or(false)
}

fn server_auth_in(cert: &[u8]) -> Option<bool> {
    let certificate = der_element(cert, 0x30)?.0;
    let tbs = der_element(certificate, 0x30)?.0;
    // The extensions are the optional last field, [3]; the fields before it differ by version.
    let Some(extensions) = DerElements(tbs).find(|&(tag, _)| tag == 0xa3) else { return Some(true) };
    let list = der_element(extensions.1, 0x30)?.0;
    for (_, extension) in DerElements(list) {
        let (oid, rest) = der_element(extension, 0x06)?;
        if oid != EXTENDED_KEY_USAGE {
            continue;
        }
        // `critical` (a BOOLEAN) may come before the value.
        let rest = der_element(rest, 0x01).map_or(rest, |(_, after)| after);
        let purposes = der_element(der_element(rest, 0x04)?.0, 0x30)?.0;
        return Some(DerElements(purposes).any(|(tag, oid)| tag == 0x06 && oid == SERVER_AUTH));
    }
    Some(true)
}

/// The contents of the DER element at the start of `input` if its tag is `tag`, and what follows it.
fn der_element(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (found, contents, rest) = next_der(input)?;
    (found == tag).then_some((contents, rest))
}

/// The tag and contents of the DER element at the start of `input`, and what follows it.
fn next_der(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (bytes, rest) = rest.split_at(n);
        (bytes.iter().fold(0, |len, &b| len << 8 | usize::from(b)), rest)
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The elements of a DER sequence's contents, as (tag, contents); stops at a malformed one.
struct DerElements<'a>(&'a [u8]);

impl<'a> Iterator for DerElements<'a> {
    type Item = (u8, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (tag, contents, rest) = next_der(self.0)?;
        self.0 = rest;
        Some((tag, contents))
    }
}

/// A TLS refusal in words, from the text of the error chain (reqwest hides the rustls error
/// value behind hyper's); None when the text names no known reason.
pub fn describe(chain: &str) -> Option<&'static str> {
    // rustls's Display of each refusal, and its Debug name where Display falls back to it.
    let reasons: [(&[&str], &str); 8] = [
        (
            &["CaUsedAsEndEntity"],
            "the server's certificate is self-signed, and not trusted: GOVER_CA_FILE does not hold it",
        ),
        (
            &["UnknownIssuer"],
            "the server's certificate is not trusted: no certificate authority gover trusts signed it",
        ),
        (&["certificate expired", "Expired"], "the server's certificate has expired"),
        (&["certificate not valid yet", "NotValidYet"], "the server's certificate is not valid yet"),
        (
            &["certificate not valid for name", "NotValidForName"],
            "the server's certificate is for another name than the server's",
        ),
        (
            &["does not allow extended key usage", "InvalidPurpose"],
            "the server's certificate is not for a server: its extended key usage does not include server authentication",
        ),
        (&["Revoked"], "the server's certificate has been revoked"),
        (&["BadSignature"], "the server's certificate has a bad signature"),
    ];
    reasons.iter().find(|(keys, _)| keys.iter().any(|key| chain.contains(key))).map(|(_, words)| *words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_in_words() {
        let expired = "invalid peer certificate: certificate expired: verification time 2 (UNIX), but certificate \
                       is not valid after 1 (1 seconds ago)";
        assert_eq!(describe(expired), Some("the server's certificate has expired"));
        let own = "invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))";
        assert!(describe(own).unwrap().contains("self-signed"));
        assert!(describe("invalid peer certificate: UnknownIssuer").unwrap().contains("not trusted"));
        assert!(describe("invalid peer certificate: certificate not valid for name \"127.0.0.1\"; certificate is only valid for DnsName(\"x\")").unwrap().contains("another name"));
        assert_eq!(describe("connection reset"), None);
        assert!(describe("invalid peer certificate: InvalidPurpose").unwrap().contains("not for a server"));
    }

    #[test]
    fn reads_the_extended_key_usage() {
        use rcgen::{CertificateParams, CustomExtension, ExtendedKeyUsagePurpose as Purpose, KeyPair};
        let cert = |purposes: Vec<Purpose>, extensions: Vec<CustomExtension>| {
            let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
            params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            params.extended_key_usages = purposes;
            params.custom_extensions = extensions;
            params.self_signed(&KeyPair::generate().unwrap()).unwrap().der().to_vec()
        };
        // A critical extension's `critical` BOOLEAN comes before its value.
        let critical = |purpose: u8| {
            let mut purposes = vec![0x30, 0x0a, 0x06, 0x08];
            purposes.extend_from_slice(&SERVER_AUTH[..7]);
            purposes.push(purpose);
            let mut extension = CustomExtension::from_oid_content(&[2, 5, 29, 37], purposes);
            extension.set_criticality(true);
            vec![extension]
        };
        assert!(allows_server_auth(&cert(vec![], vec![])), "no extended key usage: any purpose");
        assert!(allows_server_auth(&cert(vec![Purpose::ClientAuth, Purpose::ServerAuth], vec![])));
        assert!(!allows_server_auth(&cert(vec![Purpose::ClientAuth], vec![])));
        assert!(!allows_server_auth(&cert(vec![Purpose::Any, Purpose::CodeSigning], vec![])));
        assert!(allows_server_auth(&cert(vec![], critical(1))));
        assert!(!allows_server_auth(&cert(vec![], critical(2))));
        let good = cert(vec![Purpose::ServerAuth], vec![]);
        assert!(allows_server_auth(&good));
        assert!(!allows_server_auth(&good[..good.len() / 2]), "a truncated certificate allows nothing");
    }
}
