//! The threshold CLI's documents (`group.json`, member keys, partial signatures and proofs of
//! possession, group signatures, unsigned uploads): every reader never panics, and whatever it
//! accepts re-reads from its own JSON unchanged.
#![no_main]

use credkit_cli::group_files::{
    Group, GroupSignatureFile, MemberKey, PartialProofOfPossessionFile, PartialSignatureFile,
    UnsignedUploadFile,
};
use libfuzzer_sys::fuzz_target;

macro_rules! round_trip {
    ($ty:ty, $text:expr) => {
        if let Ok(doc) = <$ty>::from_json($text) {
            let again =
                <$ty>::from_json(&doc.to_json()).expect(concat!(stringify!($ty), " reads back"));
            assert!(
                again == doc,
                concat!(stringify!($ty), " changed on a round trip")
            );
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trip!(Group, text);
    round_trip!(MemberKey, text);
    round_trip!(PartialSignatureFile, text);
    round_trip!(PartialProofOfPossessionFile, text);
    round_trip!(GroupSignatureFile, text);
    round_trip!(UnsignedUploadFile, text);
});
