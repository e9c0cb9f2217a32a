//! `Presentation::verify_json`: never panics, whatever the document; a document accepted as a
//! valid presentation must be one that discloses exactly what the holder disclosed.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::credential::{
    Attributes, IssuerKey, IssuerPublicKey, Presentation, Schema, SuiteId,
};
use credkit_bbs::{Bls12381Sha256, SecretKey};
use libfuzzer_sys::fuzz_target;

fn real() -> &'static (IssuerPublicKey, String) {
    static DOC: OnceLock<(IssuerPublicKey, String)> = OnceLock::new();
    DOC.get_or_init(|| {
        let sk = SecretKey::key_gen::<Bls12381Sha256>(&[8; 32], b"").expect("key_gen");
        let key = IssuerKey::new(SuiteId::Sha256, sk);
        let schema = Schema::from_json(
            r#"{"version": 1, "type": "schema", "id": "urn:fuzz", "attributes": [
            {"name": "s", "type": "string"}, {"name": "i", "type": "integer"}]}"#,
        )
        .expect("schema");
        let attrs = Attributes::from_json(&schema, r#"{"s": "x", "i": 1}"#).expect("attributes");
        let credential = key.issue(&schema, &attrs).expect("issue");
        let presentation = credential.present(&["i"], b"nonce", None).expect("present");
        (key.public(), presentation.to_json())
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (issuer, base) = real();
    // Either the input itself, or the real presentation with one byte range replaced.
    let doc = match text.strip_prefix('@') {
        Some(patch) if !patch.is_empty() => {
            let at = usize::from(patch.as_bytes()[0]) * 7 % base.len();
            let at = (0..=at)
                .rev()
                .find(|&i| base.is_char_boundary(i))
                .unwrap_or(0);
            let end = (at + patch.len()).min(base.len());
            let end = (end..=base.len())
                .find(|&i| base.is_char_boundary(i))
                .unwrap_or(base.len());
            {
                // The first character picked the offset; the rest is the replacement.
                let rest = patch.char_indices().nth(1).map_or("", |(i, _)| &patch[i..]);
                format!("{}{}{}", &base[..at], rest, &base[end..])
            }
        }
        _ => text.to_owned(),
    };
    if let Ok(seen) = Presentation::verify_json(&doc, issuer, b"nonce", None) {
        assert_eq!(
            seen.to_json(),
            r#"{"i":1}"#,
            "a forged presentation verified"
        );
    }
});
