//! RFC 9380 test vectors (appendices J and K), vendored verbatim in `vectors/hash-to-curve`.

use credkit_core::curve::{G1Affine, G2Affine};
use credkit_core::expand_message::{
    ExpandMessage, ExpandMsgXmd, ExpandMsgXof, XmdSha256, XofShake256,
};
use credkit_core::hash_to_curve::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct ExpandFile {
    #[serde(rename = "DST")]
    dst: String,
    hash: String,
    tests: Vec<ExpandCase>,
}

#[derive(Deserialize)]
struct ExpandCase {
    len_in_bytes: String,
    msg: String,
    uniform_bytes: String,
}

fn run_expand<X: ExpandMessage>(name: &str, json: &str) -> usize {
    let file: ExpandFile = serde_json::from_str(json).expect("vector file parses");
    for case in &file.tests {
        let len = usize::from_str_radix(case.len_in_bytes.trim_start_matches("0x"), 16).unwrap();
        let mut out = vec![0u8; len];
        X::expand_message(&[case.msg.as_bytes()], file.dst.as_bytes(), &mut out).unwrap();
        assert_eq!(
            hex::encode(&out),
            case.uniform_bytes,
            "{name} ({}): msg {:?}, len {len}",
            file.hash,
            case.msg
        );
    }
    file.tests.len()
}

macro_rules! vector {
    ($file:literal) => {
        include_str!(concat!("../../../vectors/hash-to-curve/", $file))
    };
}

#[test]
fn expand_message_vectors() {
    let mut n = 0;
    n += run_expand::<XmdSha256>("K.1", vector!("expand_message_xmd_SHA256_38.json"));
    n += run_expand::<XmdSha256>(
        "K.2 long DST",
        vector!("expand_message_xmd_SHA256_256.json"),
    );
    n += run_expand::<ExpandMsgXmd<sha2::Sha512>>(
        "K.3",
        vector!("expand_message_xmd_SHA512_38.json"),
    );
    n += run_expand::<ExpandMsgXof<sha3::Shake128, 128>>(
        "K.4",
        vector!("expand_message_xof_SHAKE128_36.json"),
    );
    n += run_expand::<ExpandMsgXof<sha3::Shake128, 128>>(
        "K.5 long DST",
        vector!("expand_message_xof_SHAKE128_256.json"),
    );
    n += run_expand::<ExpandMsgXof<sha3::Shake256, 256>>(
        "K.6",
        vector!("expand_message_xof_SHAKE256_36.json"),
    );
    // K.6 uses k = 256, BBS's SHAKE-256 uses k = 128: identical whenever the DST is short.
    n += run_expand::<XofShake256>(
        "K.6 at k=128",
        vector!("expand_message_xof_SHAKE256_36.json"),
    );
    assert_eq!(n, 7 * 10, "every vector ran");
}

#[derive(Deserialize)]
struct CurveFile {
    dst: String,
    vectors: Vec<CurveCase>,
}

#[derive(Deserialize)]
struct CurveCase {
    msg: String,
    #[serde(rename = "P")]
    p: Point,
}

#[derive(Deserialize)]
struct Point {
    x: String,
    y: String,
}

/// A field element `0x..` (or `0x..,0x..` for Fp2, c0 first) as the big-endian bytes of the
/// ZCash uncompressed encoding (c1 first).
fn fp_bytes(s: &str) -> Vec<u8> {
    s.split(',')
        .rev()
        .flat_map(|c| hex::decode(c.trim_start_matches("0x")).unwrap())
        .collect()
}

fn run_g1(name: &str, json: &str, f: fn(&[u8], &[u8]) -> credkit_core::curve::G1Projective) {
    let file: CurveFile = serde_json::from_str(json).unwrap();
    assert!(!file.vectors.is_empty());
    for case in &file.vectors {
        let mut uncompressed = fp_bytes(&case.p.x);
        uncompressed.extend(fp_bytes(&case.p.y));
        let expected = G1Affine::from_uncompressed(&uncompressed.try_into().unwrap()).unwrap();
        let found = G1Affine::from(f(case.msg.as_bytes(), file.dst.as_bytes()));
        assert_eq!(found, expected, "{name}: msg {:?}", case.msg);
    }
}

fn run_g2(name: &str, json: &str, f: fn(&[u8], &[u8]) -> credkit_core::curve::G2Projective) {
    let file: CurveFile = serde_json::from_str(json).unwrap();
    assert!(!file.vectors.is_empty());
    for case in &file.vectors {
        let mut uncompressed = fp_bytes(&case.p.x);
        uncompressed.extend(fp_bytes(&case.p.y));
        let expected = G2Affine::from_uncompressed(&uncompressed.try_into().unwrap()).unwrap();
        let found = G2Affine::from(f(case.msg.as_bytes(), file.dst.as_bytes()));
        assert_eq!(found, expected, "{name}: msg {:?}", case.msg);
    }
}

#[test]
fn hash_to_g1_vectors() {
    run_g1(
        "J.9.1",
        vector!("BLS12381G1_XMD:SHA-256_SSWU_RO_.json"),
        hash_to_g1_xmd_sha256,
    );
    run_g1(
        "J.9.2",
        vector!("BLS12381G1_XMD:SHA-256_SSWU_NU_.json"),
        encode_to_g1_xmd_sha256,
    );
}

#[test]
fn hash_to_g2_vectors() {
    run_g2(
        "J.10.1",
        vector!("BLS12381G2_XMD:SHA-256_SSWU_RO_.json"),
        hash_to_g2_xmd_sha256,
    );
    run_g2(
        "J.10.2",
        vector!("BLS12381G2_XMD:SHA-256_SSWU_NU_.json"),
        encode_to_g2_xmd_sha256,
    );
}
