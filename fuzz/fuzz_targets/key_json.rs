//! Key documents, JWK and Multikey: never panic; whatever is accepted re-reads from its own
//! encoding as the same key.
#![no_main]

use credkit_bbs::credential::{IssuerKey, IssuerPublicKey, SuiteId};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(key) = IssuerKey::from_json(text) {
        assert_eq!(
            IssuerKey::from_json(&key.to_json()).expect("secret key reads back"),
            key
        );
    }
    if let Ok(public) = IssuerPublicKey::from_json(text) {
        assert_eq!(
            IssuerPublicKey::from_json(&public.to_json()).expect("public key reads back"),
            public
        );
    }
    if let Ok(public) = IssuerPublicKey::from_jwk(text, SuiteId::Sha256) {
        assert_eq!(
            IssuerPublicKey::from_jwk(&public.to_jwk(), SuiteId::Sha256).expect("JWK reads back"),
            public
        );
    }
    if let Ok(public) = IssuerPublicKey::from_multikey(text, SuiteId::Shake256) {
        assert_eq!(public.to_multikey(), text, "Multikey is canonical");
    }
});
