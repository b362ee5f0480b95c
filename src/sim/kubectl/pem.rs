//! What `kubectl create secret tls` checks of `--cert` and `--key`: Go's
//! `tls.X509KeyPair` (crypto/tls, Go 1.22, as kubectl v1.31 is built),
//! with its error texts, as far as Ordinal can follow it without a
//! cryptography library:
//!
//! - the PEM blocks are found as `encoding/pem`'s `Decode` finds them (a
//!   block whose BEGIN/END lines or base64 do not hold together is no
//!   block), and the block types are judged as `X509KeyPair` judges them;
//! - the certificate's and the key's DER are read only as far as their
//!   outer ASN.1 structure: the certificate's subject public key algorithm
//!   and, for RSA, its modulus; the key's kind (PKCS #1, SEC 1, PKCS #8)
//!   and, for RSA, its modulus, for EC the public point when the key holds
//!   it. So a key of another type, or an RSA key of another certificate,
//!   is refused as Go refuses it.
//!
//! Simplified: the certificate's other fields (validity, names, extensions,
//! the signature) are not parsed, and an EC key without its public point
//! or an Ed25519 key is not matched against the certificate (Go derives
//! the public key from the private one, which needs the curve arithmetic).

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;

/// One PEM block: its type and its decoded bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: String,
    pub bytes: Vec<u8>,
}

/// Go's `StdEncoding` (padding required, trailing bits allowed).
const STD: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// `getLine`: the line without its `\n` (and a `\r` before it), trailing
/// spaces and tabs trimmed, and what follows it.
fn get_line(data: &str) -> (&str, &str) {
    let (line, rest) = match data.find('\n') {
        Some(i) => (
            data[..i].strip_suffix('\r').unwrap_or(&data[..i]),
            &data[i + 1..],
        ),
        None => (data, ""),
    };
    (line.trim_end_matches([' ', '\t']), rest)
}

/// `pem.Decode`: the first block in `data` and the text after it.
pub fn decode(data: &str) -> Option<(Block, &str)> {
    const BEGIN: &str = "\n-----BEGIN ";
    const END: &str = "\n-----END ";
    const DASHES: &str = "-----";
    let mut rest = data;
    loop {
        if let Some(r) = rest.strip_prefix(&BEGIN[1..]) {
            rest = r;
        } else if let Some(i) = rest.find(BEGIN) {
            rest = &rest[i + BEGIN.len()..];
        } else {
            return None;
        }
        let (type_line, after) = get_line(rest);
        rest = after;
        let Some(kind) = type_line.strip_suffix(DASHES) else {
            continue;
        };
        // Headers (`Proc-Type: ...`) run until the first line without a colon.
        let mut headers = 0;
        loop {
            if rest.is_empty() {
                return None;
            }
            let (line, next) = get_line(rest);
            if !line.contains(':') {
                break;
            }
            headers += 1;
            rest = next;
        }
        let (end, trailer_at) = if headers == 0 && rest.starts_with(&END[1..]) {
            (0, END.len() - 1)
        } else {
            match rest.find(END) {
                Some(i) => (i, i + END.len()),
                None => continue,
            }
        };
        let trailer = &rest[trailer_at..];
        let want = kind.len() + DASHES.len();
        if trailer.len() < want || !trailer.is_char_boundary(want) {
            continue;
        }
        let (head, after_end) = trailer.split_at(want);
        if !head.starts_with(kind) || !head.ends_with(DASHES) || !get_line(after_end).0.is_empty() {
            continue;
        }
        let body: String = rest[..end]
            .chars()
            .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
            .collect();
        let Ok(bytes) = STD.decode(body.as_bytes()) else {
            continue;
        };
        let after = get_line(&rest[end + END.len() - 1..]).1;
        return Some((
            Block {
                kind: kind.to_string(),
                bytes,
            },
            after,
        ));
    }
}

/// Every block in `data`, in order.
fn blocks(mut data: &str) -> Vec<Block> {
    let mut out = Vec::new();
    while let Some((b, rest)) = decode(data) {
        out.push(b);
        data = rest;
    }
    out
}

// ---- just enough DER -------------------------------------------------------

/// One DER element: its tag and contents; `None` when malformed.
fn element(data: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = data.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;

/// The contents of a SEQUENCE that makes up all of `data`.
fn whole_sequence(data: &[u8]) -> Option<&[u8]> {
    match element(data)? {
        (SEQUENCE, body, []) => Some(body),
        _ => None,
    }
}

/// The elements of a constructed value, in order.
fn children(mut body: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let (tag, content, rest) = element(body)?;
        out.push((tag, content));
        body = rest;
    }
    Some(out)
}

/// An INTEGER's magnitude, without leading zero bytes.
fn unsigned(int: &[u8]) -> &[u8] {
    let skip = int.iter().take_while(|b| **b == 0).count();
    &int[skip..]
}

/// rsaEncryption, id-ecPublicKey, id-Ed25519.
const RSA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const EC_OID: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const ED25519_OID: &[u8] = &[0x2b, 0x65, 0x70];

#[derive(Debug, PartialEq, Eq)]
enum Public<'a> {
    /// The modulus.
    Rsa(&'a [u8]),
    /// The encoded point.
    Ec(&'a [u8]),
    Ed25519,
    Other,
}

#[derive(Debug, PartialEq, Eq)]
enum Private<'a> {
    Rsa(&'a [u8]),
    /// The public point, when the key holds it.
    Ec(Option<&'a [u8]>),
    Ed25519,
}

/// The certificate's public key, read through `Certificate` and
/// `TBSCertificate` (RFC 5280) as far as `subjectPublicKeyInfo`.
fn certificate_key(der: &[u8]) -> Result<Public<'_>, String> {
    let (cert, trailing) = match element(der) {
        Some((SEQUENCE, cert, trailing)) => (cert, trailing),
        _ => return Err("x509: malformed certificate".into()),
    };
    let (tag, tbs, _) = element(cert).ok_or("x509: malformed certificate")?;
    if tag != SEQUENCE {
        return Err("x509: malformed tbs certificate".into());
    }
    let fields = children(tbs).ok_or("x509: malformed tbs certificate")?;
    // [0] version is optional; then serial, signature, issuer, validity,
    // subject, subjectPublicKeyInfo.
    let skip = usize::from(fields.first().is_some_and(|(t, _)| *t == 0xa0));
    let (tag, spki) = *fields
        .get(skip + 5)
        .ok_or("x509: malformed tbs certificate")?;
    let spki = (tag == SEQUENCE)
        .then(|| children(spki))
        .flatten()
        .ok_or("x509: malformed spki")?;
    let (Some(&(SEQUENCE, alg)), Some(&(BIT_STRING, bits))) = (spki.first(), spki.get(1)) else {
        return Err("x509: malformed spki".into());
    };
    let oid = children(alg)
        .and_then(|a| a.first().copied())
        .filter(|(t, _)| *t == OID)
        .map(|(_, o)| o)
        .ok_or("x509: malformed public key algorithm identifier")?;
    let key = bits.get(1..).unwrap_or(&[]);
    // ParseCertificate refuses bytes after the certificate, once parsed.
    if !trailing.is_empty() {
        return Err("x509: trailing data".into());
    }
    Ok(if oid == RSA_OID {
        let parts = whole_sequence(key)
            .and_then(children)
            .ok_or("x509: invalid RSA public key")?;
        match parts.first() {
            Some(&(INTEGER, n)) => Public::Rsa(unsigned(n)),
            _ => return Err("x509: invalid RSA modulus".into()),
        }
    } else if oid == EC_OID {
        Public::Ec(key)
    } else if oid == ED25519_OID {
        Public::Ed25519
    } else {
        Public::Other
    })
}

/// `parsePrivateKey`: PKCS #1, then PKCS #8, then SEC 1.
fn private_key(der: &[u8]) -> Result<Private<'_>, String> {
    const FAIL: &str = "tls: failed to parse private key";
    let parts = whole_sequence(der).and_then(children).ok_or(FAIL)?;
    match parts.as_slice() {
        // RSAPrivateKey: version, modulus, publicExponent, ...
        [(INTEGER, _), (INTEGER, n), (INTEGER, _), ..] if parts.len() >= 9 => {
            Ok(Private::Rsa(unsigned(n)))
        }
        // PrivateKeyInfo: version, algorithm, privateKey OCTET STRING.
        [(INTEGER, _), (SEQUENCE, alg), (OCTET_STRING, inner), ..] => {
            let oid = children(alg)
                .and_then(|a| a.first().copied())
                .map(|(_, o)| o)
                .ok_or(FAIL)?;
            if oid == RSA_OID {
                match private_key(inner)? {
                    k @ Private::Rsa(_) => Ok(k),
                    _ => Err(FAIL.into()),
                }
            } else if oid == EC_OID {
                match private_key(inner)? {
                    k @ Private::Ec(_) => Ok(k),
                    _ => Err(FAIL.into()),
                }
            } else if oid == ED25519_OID {
                Ok(Private::Ed25519)
            } else {
                Err(FAIL.into())
            }
        }
        // ECPrivateKey: version 1, privateKey, [0] parameters, [1] publicKey.
        [(INTEGER, [1]), (OCTET_STRING, _), rest @ ..] => Ok(Private::Ec(
            rest.iter()
                .find(|(t, _)| *t == 0xa1)
                .and_then(|(_, p)| element(p))
                .filter(|(t, _, _)| *t == BIT_STRING)
                .and_then(|(_, bits, _)| bits.get(1..)),
        )),
        _ => Err(FAIL.into()),
    }
}

/// `tls.X509KeyPair(cert, key)`: `Ok` when Go would accept the pair (as
/// far as the module comment says), else Go's error text.
pub fn x509_key_pair(cert: &str, key: &str) -> Result<(), String> {
    let mut certs = Vec::new();
    let mut skipped = Vec::new();
    for b in blocks(cert) {
        if b.kind == "CERTIFICATE" {
            certs.push(b.bytes);
        } else {
            skipped.push(b.kind);
        }
    }
    let Some(first) = certs.first() else {
        return Err(if skipped.is_empty() {
            "tls: failed to find any PEM data in certificate input".into()
        } else if skipped.len() == 1 && skipped[0].ends_with("PRIVATE KEY") {
            "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into()
        } else {
            format!(
                "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]",
                skipped.join(" ")
            )
        });
    };
    let mut skipped = Vec::new();
    let mut key_block = None;
    for b in blocks(key) {
        if b.kind == "PRIVATE KEY" || b.kind.ends_with(" PRIVATE KEY") {
            key_block = Some(b);
            break;
        }
        skipped.push(b.kind);
    }
    let Some(key_block) = key_block else {
        return Err(if skipped.is_empty() {
            "tls: failed to find any PEM data in key input".into()
        } else if skipped.len() == 1 && skipped[0] == "CERTIFICATE" {
            "tls: found a certificate rather than a key in the PEM for the private key".into()
        } else {
            format!(
                "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]",
                skipped.join(" ")
            )
        });
    };
    let public = certificate_key(first)?;
    let private = private_key(&key_block.bytes)?;
    const MISMATCH: &str = "tls: private key does not match public key";
    match (public, private) {
        (Public::Rsa(n), Private::Rsa(m)) if n != m => Err(MISMATCH.into()),
        (Public::Ec(p), Private::Ec(Some(q))) if p != q => Err(MISMATCH.into()),
        (Public::Rsa(_), Private::Rsa(_))
        | (Public::Ec(_), Private::Ec(_))
        | (Public::Ed25519, Private::Ed25519) => Ok(()),
        (Public::Other, _) => Err("tls: unknown public key algorithm".into()),
        _ => Err("tls: private key type does not match public key type".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str = include_str!("../../../tests/fixtures/tls/tls.crt");
    const KEY: &str = include_str!("../../../tests/fixtures/tls/tls.key");
    const OTHER_KEY: &str = include_str!("../../../tests/fixtures/tls/other.key");
    const EC_KEY: &str = include_str!("../../../tests/fixtures/tls/ec.key");
    const EC_CERT: &str = include_str!("../../../tests/fixtures/tls/ec.crt");

    #[test]
    fn pem_blocks_are_found_as_go_finds_them() {
        let (b, rest) = decode(CERT).unwrap();
        assert_eq!(b.kind, "CERTIFICATE");
        assert_eq!(b.bytes[0], SEQUENCE);
        assert_eq!(rest, "");
        // Text around blocks is skipped; CRLF line ends are fine.
        let crlf = format!("junk\r\n{}", KEY.replace('\n', "\r\n"));
        assert_eq!(decode(&crlf).unwrap().0.kind, "PRIVATE KEY");
        // A mismatched END, bad base64 or no END line is no block.
        assert!(decode("-----BEGIN A-----\nAAAA\n-----END B-----\n").is_none());
        assert!(decode("-----BEGIN A-----\n!!!!\n-----END A-----\n").is_none());
        assert!(decode("-----BEGIN A-----\nAAAA\n").is_none());
        assert_eq!(
            decode("-----BEGIN A-----\nAAAA\n-----END A-----  \nrest").unwrap(),
            (
                Block {
                    kind: "A".into(),
                    bytes: vec![0, 0, 0]
                },
                "rest"
            )
        );
        // An empty block, END at once.
        assert_eq!(
            decode("-----BEGIN A-----\n-----END A-----\n")
                .unwrap()
                .0
                .bytes,
            Vec::<u8>::new()
        );
    }

    #[test]
    fn key_pairs_are_judged_as_x509_key_pair_judges_them() {
        assert_eq!(x509_key_pair(CERT, KEY), Ok(()));
        assert_eq!(x509_key_pair(EC_CERT, EC_KEY), Ok(()));
        // A bundle: certificate and key in one file serves as both.
        let both = format!("{CERT}{KEY}");
        assert_eq!(x509_key_pair(&both, &both), Ok(()));
        let err = |c: &str, k: &str| x509_key_pair(c, k).unwrap_err();
        assert_eq!(
            err("junk", KEY),
            "tls: failed to find any PEM data in certificate input"
        );
        assert_eq!(err(KEY, CERT), "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched");
        assert_eq!(
            err("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n-----BEGIN BAR-----\n-----END BAR-----\n", KEY),
            "tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [FOO BAR]"
        );
        assert_eq!(
            err(CERT, "junk"),
            "tls: failed to find any PEM data in key input"
        );
        assert_eq!(
            err(CERT, CERT),
            "tls: found a certificate rather than a key in the PEM for the private key"
        );
        assert_eq!(
            err(CERT, "-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n"),
            "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [FOO]"
        );
        assert_eq!(
            err(
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                KEY
            ),
            "x509: malformed certificate"
        );
        assert_eq!(
            err(
                CERT,
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            ),
            "tls: failed to parse private key"
        );
        assert_eq!(
            err(CERT, EC_KEY),
            "tls: private key type does not match public key type"
        );
        assert_eq!(
            err(EC_CERT, KEY),
            "tls: private key type does not match public key type"
        );
        assert_eq!(
            err(CERT, OTHER_KEY),
            "tls: private key does not match public key"
        );
        // The certificate's DER followed by more bytes.
        let mut der = decode(CERT).unwrap().0.bytes;
        der.extend([0, 0]);
        let padded = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            crate::sim::kubectl::create::encode_base64(&der)
        );
        assert_eq!(err(&padded, KEY), "x509: trailing data");
    }
}
