//! `Attributes::from_json` under a fixed schema of every attribute type: never panics; accepted
//! attributes re-read from their own JSON unchanged, and every value encodes to a message.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::credential::{Attributes, Schema};
use libfuzzer_sys::fuzz_target;

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::from_json(
            r#"{"version": 1, "type": "schema", "id": "urn:fuzz", "attributes": [
            {"name": "s", "type": "string"}, {"name": "i", "type": "integer"},
            {"name": "d", "type": "date"}, {"name": "b", "type": "boolean"},
            {"name": "x", "type": "bytes"}]}"#,
        )
        .expect("the fuzz schema is valid")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(attributes) = Attributes::from_json(schema(), text) {
        let again = Attributes::from_json(schema(), &attributes.to_json())
            .expect("written attributes read back");
        assert_eq!(again, attributes);
        for (_, value) in attributes.iter() {
            assert!(!value.to_message().is_empty());
        }
    }
});
