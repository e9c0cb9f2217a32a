//! The four documents of holder-bound credentials (`credential-request`, `holder-secret`,
//! `bound-credential`, `bound-presentation`): reading never panics; an accepted document reads
//! back from its own JSON unchanged; checking it (the issuer's commitment check, the holder's
//! finalization, the verifier's proof check) never panics, and a spliced document that still
//! verifies is byte-for-byte the real one's content.
//!
//! The first byte picks the document; random text is almost never one, so the rest is a byte
//! offset and a replacement string spliced into a real document of that type.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::credential::{
    Attributes, BoundCredential, BoundPresentation, CredentialRequest, HolderSecret, IssuerKey,
    IssuerPublicKey, Schema, SuiteId,
};
use credkit_bbs::{Bls12381Sha256, SecretKey};
use libfuzzer_sys::fuzz_target;

struct Real {
    issuer: IssuerKey,
    public: IssuerPublicKey,
    schema: Schema,
    attributes: Attributes,
    docs: [String; 4],
}

fn real() -> &'static Real {
    static REAL: OnceLock<Real> = OnceLock::new();
    REAL.get_or_init(|| {
        let sk = SecretKey::key_gen::<Bls12381Sha256>(&[9; 32], b"").expect("key_gen");
        let issuer = IssuerKey::new(SuiteId::Sha256, sk);
        let schema = Schema::from_json(
            r#"{"version": 1, "type": "schema", "id": "urn:fuzz", "attributes": [
            {"name": "s", "type": "string"}, {"name": "i", "type": "integer"}]}"#,
        )
        .expect("schema");
        let attributes =
            Attributes::from_json(&schema, r#"{"s": "x", "i": 1}"#).expect("attributes");
        let (request, secret) = CredentialRequest::new(SuiteId::Sha256, &schema, 2).expect("request");
        let credential = issuer
            .issue_bound(&request, &schema, &attributes)
            .expect("issue");
        let presentation = credential
            .present(&secret, &["i"], b"nonce", None, b"ctx")
            .expect("present");
        let docs = [
            request.to_json(),
            secret.to_json().to_string(),
            credential.to_json().to_string(),
            presentation.to_json(),
        ];
        Real {
            public: issuer.public(),
            issuer,
            schema,
            attributes,
            docs,
        }
    })
}

fn splice(base: &str, patch: &str) -> String {
    if patch.is_empty() {
        return base.to_owned();
    }
    let at = usize::from(patch.as_bytes()[0]) * 8 % base.len();
    let at = (0..=at).rev().find(|&i| base.is_char_boundary(i)).unwrap_or(0);
    let end = (at + patch.len()).min(base.len());
    let end = (end..=base.len())
        .find(|&i| base.is_char_boundary(i))
        .unwrap_or(base.len());
    let rest = patch.char_indices().nth(1).map_or("", |(i, _)| &patch[i..]);
    format!("{}{}{}", &base[..at], rest, &base[end..])
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let real = real();
    let kind = usize::from(which % 4);
    // High bit set: the input itself; otherwise a splice into the real document.
    let doc = if which & 0x80 != 0 {
        text.to_owned()
    } else {
        splice(&real.docs[kind], text)
    };
    match kind {
        0 => {
            if let Ok(request) = CredentialRequest::from_json(&doc) {
                let again = CredentialRequest::from_json(&request.to_json()).expect("reads back");
                assert_eq!(again, request);
                // The issuer's checks: typed errors only.
                let _ = real.issuer.issue_bound(&request, &real.schema, &real.attributes);
            }
        }
        1 => {
            if let Ok(secret) = HolderSecret::from_json(&doc) {
                let again = HolderSecret::from_json(&secret.to_json()).expect("reads back");
                assert_eq!(again, secret);
                if let Ok(credential) = BoundCredential::from_json(&real.docs[2]) {
                    let _ = credential.verify(&secret);
                }
            }
        }
        2 => {
            if let Ok(credential) = BoundCredential::from_json(&doc) {
                let again = BoundCredential::from_json(&credential.to_json()).expect("reads back");
                assert_eq!(again, credential);
                if let Ok(secret) = HolderSecret::from_json(&real.docs[1]) {
                    let _ = credential.verify(&secret);
                    let _ = credential.present(&secret, &["s"], b"n", None, b"c");
                }
            }
        }
        _ => {
            if let Ok(presentation) = BoundPresentation::from_json(&doc, &real.public) {
                let again = BoundPresentation::from_json(&presentation.to_json(), &real.public)
                    .expect("reads back");
                assert_eq!(again, presentation);
            }
            if let Ok((attributes, _)) =
                BoundPresentation::verify_json(&doc, &real.public, b"nonce", None, b"ctx")
            {
                // Whatever was spliced, what verifies discloses the real value.
                assert_eq!(attributes.to_json(), r#"{"i":1}"#);
            }
        }
    }
});
