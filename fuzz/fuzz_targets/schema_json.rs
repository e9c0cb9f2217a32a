//! `Schema::from_json`: never panics; an accepted schema re-reads from its own JSON as the same
//! schema with the same digest.
#![no_main]

use credkit_bbs::credential::Schema;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(schema) = Schema::from_json(text) {
        let again = Schema::from_json(&schema.to_json()).expect("a written schema reads back");
        assert_eq!(again, schema);
        assert_eq!(again.digest(), schema.digest());
    }
});
