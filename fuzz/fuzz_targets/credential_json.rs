//! `Credential::from_json`: never panics; an accepted credential re-reads from its own JSON
//! unchanged, and verifying it never panics.
//!
//! Random text is almost never a credential, so inputs starting with `@` are instead a byte
//! offset and a replacement string spliced into a real credential document.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::credential::{Attributes, Credential, IssuerKey, Schema, SuiteId};
use credkit_bbs::{Bls12381Sha256, SecretKey};
use libfuzzer_sys::fuzz_target;

fn real() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let sk = SecretKey::key_gen::<Bls12381Sha256>(&[7; 32], b"").expect("key_gen");
        let schema = Schema::from_json(
            r#"{"version": 1, "type": "schema", "id": "urn:fuzz", "attributes": [
            {"name": "s", "type": "string"}, {"name": "i", "type": "integer"}, {"name": "d", "type": "date"}]}"#,
        )
        .expect("schema");
        let attrs = Attributes::from_json(&schema, r#"{"s": "x", "i": 1, "d": "2000-01-01"}"#).expect("attributes");
        IssuerKey::new(SuiteId::Sha256, sk).issue(&schema, &attrs).expect("issue").to_json()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Either the input itself, or the real credential with one byte range replaced.
    let doc = match text.strip_prefix('@') {
        Some(patch) if !patch.is_empty() => {
            let base = real();
            let at = usize::from(patch.as_bytes()[0]) * 8 % base.len();
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
    if let Ok(credential) = Credential::from_json(&doc) {
        let again =
            Credential::from_json(&credential.to_json()).expect("a written credential reads back");
        assert_eq!(again, credential);
        let _ = credential.verify();
    }
});
