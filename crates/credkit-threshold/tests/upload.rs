//! Anonymous uploads: envelope encodings, signature coverage, the collector's checks, batch
//! verification, and the seen-nonce stores (in memory and on disk).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

use credkit_threshold::bls::SecretKey;
use credkit_threshold::upload::{
    Collector, Envelope, EnvelopeDefect, FileNonceStore, GroupId, MemoryNonceStore, NonceStore,
    TaskId, UnsignedEnvelope,
};
use credkit_threshold::Error;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use sha2::{Digest, Sha256};

const NOW: u64 = 1_750_000_000;

fn group() -> SecretKey {
    SecretKey::key_gen(&[1u8; 32], b"group").unwrap()
}

fn other_group() -> SecretKey {
    SecretKey::key_gen(&[2u8; 32], b"group").unwrap()
}

fn group_id(sk: &SecretKey) -> GroupId {
    GroupId::from_public_key(sk.public_key())
}

fn task() -> TaskId {
    TaskId::new("study-S/visit-3").unwrap()
}

fn nonce(i: u64) -> [u8; 32] {
    let mut n = [0u8; 32];
    n[..8].copy_from_slice(&i.to_be_bytes());
    n[8] = 0xa5;
    n
}

fn payload(i: u64) -> Vec<u8> {
    format!("{{\"reading\": {i}}}").into_bytes()
}

fn sign(sk: &SecretKey, unsigned: UnsignedEnvelope) -> Envelope {
    let signature = sk.sign(&unsigned.signing_bytes());
    unsigned.attach(signature)
}

/// Upload `i` of `sk`'s group at `timestamp`, signed by `signer`.
fn upload_signed_by(sk: &SecretKey, signer: &SecretKey, i: u64, timestamp: u64) -> Envelope {
    let unsigned = UnsignedEnvelope::from_parts(
        group_id(sk),
        task(),
        nonce(i),
        timestamp,
        Sha256::digest(payload(i)).into(),
    );
    sign(signer, unsigned)
}

fn upload(sk: &SecretKey, i: u64) -> Envelope {
    upload_signed_by(sk, sk, i, NOW)
}

fn collector() -> Collector<MemoryNonceStore> {
    Collector::new(group().public_key().clone(), MemoryNonceStore::new())
}

// ---- the signed byte string and the encodings ----

#[test]
fn signing_bytes_layout() {
    let unsigned = UnsignedEnvelope::from_parts(
        GroupId::from_bytes([0x11; 32]),
        TaskId::new("t1").unwrap(),
        [0x22; 32],
        0x0102_0304_0506_0708,
        [0x33; 32],
    );
    let expected = concat!(
        "0011",
        "637265646b69742d75706c6f61642d7631", // "credkit-upload-v1"
        "0020",
        "1111111111111111111111111111111111111111111111111111111111111111",
        "0002",
        "7431", // "t1"
        "0020",
        "2222222222222222222222222222222222222222222222222222222222222222",
        "0008",
        "0102030405060708",
        "0020",
        "3333333333333333333333333333333333333333333333333333333333333333",
    );
    let found = hex::encode(unsigned.signing_bytes());
    assert_eq!(found, expected);
    assert_eq!(unsigned.signing_bytes().len(), 133 + 2);
}

/// The worked example of SPEC.md: KeyGen(IKM = 32 bytes of 0x01, key_info = ""), task
/// "study-S/visit-3", nonce 32 bytes of 0x22, timestamp 1750000000, payload
/// `{"heart_rate": 72}`. Pins the signed bytes, both encodings and the signature.
#[test]
fn worked_example_is_pinned() {
    let sk = SecretKey::key_gen(&[1u8; 32], b"").unwrap();
    let payload = br#"{"heart_rate": 72}"#;
    let unsigned = UnsignedEnvelope::from_parts(
        GroupId::from_public_key(sk.public_key()),
        TaskId::new("study-S/visit-3").unwrap(),
        [0x22; 32],
        1_750_000_000,
        Sha256::digest(payload).into(),
    );
    let group_id = "92ad6c4267022f08d8c18bdd2115087933c5b066c046156e455f229cdd20ec81";
    let task = "73747564792d532f76697369742d33";
    let nonce = "2222222222222222222222222222222222222222222222222222222222222222";
    let timestamp = "00000000684ee180";
    let payload_sha256 = "d701953cf3c99c02a4c8a1f848ef8ad775a868b687761d73742d77ee477fbc53";
    let signature = concat!(
        "a14f4e72f95bc07a91cf8773f740ab9dcef47b65057d2b72663f54380e3dbcd0",
        "b7b67b5c025a2273d2eaf72b2e091ce2022e545e352684b6c9f43d5fb4339469",
        "db501255224806ac4a8c55d0e12971fb63a7405c6a801c64d11a4adec3e3690d",
    );
    assert_eq!(unsigned.group_id().to_string(), group_id);
    let signing_bytes = format!(
        "0011{}0020{group_id}000f{task}0020{nonce}0008{timestamp}0020{payload_sha256}",
        hex::encode(b"credkit-upload-v1")
    );
    assert_eq!(hex::encode(unsigned.signing_bytes()), signing_bytes);
    let envelope = sign(&sk, unsigned);
    assert_eq!(hex::encode(envelope.signature().to_bytes()), signature);
    assert_eq!(
        hex::encode(envelope.to_bytes()),
        format!("01{group_id}0f{task}{nonce}{timestamp}{payload_sha256}{signature}")
    );
    assert_eq!(
        envelope.to_json(),
        format!(
            concat!(
                r#"{{"version":1,"type":"upload","group_id":"{}","task_id":"study-S/visit-3","#,
                r#""nonce":"{}","timestamp":1750000000,"payload_sha256":"{}","signature":"{}"}}"#
            ),
            group_id, nonce, payload_sha256, signature
        )
    );
    envelope.verify(sk.public_key(), payload).unwrap();
}

#[test]
fn signing_bytes_are_injective_across_field_boundaries() {
    // The task id's length prefix keeps "a" + nonce from colliding with "aa" + shifted nonce.
    let a = UnsignedEnvelope::from_parts(
        GroupId::from_bytes([0; 32]),
        TaskId::new("a").unwrap(),
        [b'a'; 32],
        0,
        [0; 32],
    );
    let b = UnsignedEnvelope::from_parts(
        GroupId::from_bytes([0; 32]),
        TaskId::new("aa").unwrap(),
        [b'a'; 32],
        0,
        [0; 32],
    );
    assert_ne!(a.signing_bytes(), b.signing_bytes());
    assert_ne!(a.signing_bytes().len(), b.signing_bytes().len());
}

#[test]
fn group_id_is_sha256_of_the_public_key() {
    let sk = group();
    let expected: [u8; 32] = Sha256::digest(sk.public_key().to_bytes()).into();
    assert_eq!(group_id(&sk).to_bytes(), expected);
    assert_eq!(group_id(&sk).to_string(), hex::encode(expected));
}

#[test]
fn task_id_lengths() {
    assert_eq!(TaskId::new(""), Err(Error::InvalidTaskId));
    assert!(TaskId::new("x".repeat(255)).is_ok());
    assert_eq!(TaskId::new("x".repeat(256)), Err(Error::InvalidTaskId));
}

#[test]
fn binary_round_trip() {
    let envelope = upload(&group(), 7);
    let bytes = envelope.to_bytes();
    assert_eq!(bytes.len(), 202 + "study-S/visit-3".len());
    assert_eq!(bytes[0], 1);
    assert_eq!(&bytes[1..33], &group_id(&group()).to_bytes());
    assert_eq!(bytes[33] as usize, "study-S/visit-3".len());
    assert_eq!(&bytes[bytes.len() - 96..], &envelope.signature().to_bytes());
    let decoded = Envelope::from_bytes(&bytes).unwrap();
    assert_eq!(decoded, envelope);
    assert_eq!(decoded.to_bytes(), bytes);
}

#[test]
fn json_round_trip_and_shape() {
    let envelope = upload(&group(), 7);
    let json = envelope.to_json();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected_keys = vec![
        "version",
        "type",
        "group_id",
        "task_id",
        "nonce",
        "timestamp",
        "payload_sha256",
        "signature",
    ];
    expected_keys.sort_unstable();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, expected_keys);
    assert_eq!(value["version"], 1);
    assert_eq!(value["type"], "upload");
    assert_eq!(value["task_id"], "study-S/visit-3");
    assert_eq!(value["timestamp"], NOW);
    assert_eq!(value["nonce"], hex::encode(nonce(7)));
    assert_eq!(
        value["payload_sha256"],
        hex::encode(Sha256::digest(payload(7)))
    );
    assert_eq!(
        value["signature"],
        hex::encode(envelope.signature().to_bytes())
    );
    assert!(json.starts_with(r#"{"version":1,"type":"upload","group_id":""#));
    assert_eq!(Envelope::from_json(&json).unwrap(), envelope);
    // Uppercase hex is refused: one canonical text per envelope, as in every credkit document.
    let upper = json.replace(&hex::encode(nonce(7)), &hex::encode_upper(nonce(7)));
    assert_ne!(upper, json);
    assert!(Envelope::from_json(&upper).is_err());
}

// ---- malformed encodings: typed errors, never a panic ----

fn defect(d: EnvelopeDefect) -> Error {
    Error::MalformedEnvelope(d)
}

#[test]
fn malformed_binary_encodings() {
    let bytes = upload(&group(), 1).to_bytes();
    for len in 0..bytes.len() {
        assert_eq!(
            Envelope::from_bytes(&bytes[..len]),
            Err(defect(EnvelopeDefect::Truncated)),
            "prefix of {len} bytes"
        );
    }
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        Envelope::from_bytes(&long),
        Err(defect(EnvelopeDefect::TrailingBytes))
    );
    let mut version = bytes.clone();
    version[0] = 2;
    assert_eq!(
        Envelope::from_bytes(&version),
        Err(defect(EnvelopeDefect::UnsupportedVersion(2)))
    );
    // An empty task id.
    let task_len = bytes[33] as usize;
    let mut empty_task = bytes[..33].to_vec();
    empty_task.push(0);
    empty_task.extend_from_slice(&bytes[34 + task_len..]);
    assert_eq!(
        Envelope::from_bytes(&empty_task),
        Err(defect(EnvelopeDefect::TaskId))
    );
    // A task id that is not UTF-8.
    let mut not_utf8 = bytes.clone();
    not_utf8[34] = 0xff;
    assert_eq!(
        Envelope::from_bytes(&not_utf8),
        Err(defect(EnvelopeDefect::TaskId))
    );
}

#[test]
fn malformed_signatures() {
    let bytes = upload(&group(), 1).to_bytes();
    let sig_at = bytes.len() - 96;
    let with_signature = |sig: &[u8]| {
        let mut b = bytes[..sig_at].to_vec();
        b.extend_from_slice(sig);
        Envelope::from_bytes(&b)
    };
    // The identity: a valid point, but no signature.
    let mut identity = [0u8; 96];
    identity[0] = 0xc0;
    assert_eq!(
        with_signature(&identity),
        Err(Error::Encoding(credkit_core::Error::IdentityPoint))
    );
    // No compression flag.
    let mut uncompressed = upload(&group(), 1).signature().to_bytes();
    uncompressed[0] &= 0x7f;
    assert_eq!(
        with_signature(&uncompressed),
        Err(Error::Encoding(credkit_core::Error::InvalidPointEncoding))
    );
    // Points on the curve outside the subgroup, and x-coordinates off the curve.
    let (mut off_subgroup, mut off_curve) = (0, 0);
    for x in 1..=64u8 {
        let mut sig = [0u8; 96];
        sig[0] = 0x80;
        sig[95] = x;
        match with_signature(&sig) {
            Err(Error::Encoding(credkit_core::Error::PointNotInSubgroup)) => off_subgroup += 1,
            Err(Error::Encoding(credkit_core::Error::InvalidPointEncoding)) => off_curve += 1,
            other => panic!("x = {x}: {other:?}"),
        }
    }
    assert!(off_subgroup > 0 && off_curve > 0);
}

#[test]
fn malformed_json_encodings() {
    let json = upload(&group(), 1).to_json();
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let edit = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = value.clone();
        f(&mut v);
        Envelope::from_json(&v.to_string())
    };
    assert!(matches!(
        Envelope::from_json("not json"),
        Err(Error::MalformedEnvelope(EnvelopeDefect::Json { .. }))
    ));
    assert!(matches!(
        Envelope::from_json("[1, 2]"),
        Err(Error::MalformedEnvelope(EnvelopeDefect::Json { .. }))
    ));
    assert_eq!(
        edit(&|v| v["version"] = 2.into()),
        Err(defect(EnvelopeDefect::UnsupportedVersion(2)))
    );
    assert!(matches!(
        edit(&|v| v["version"] = "1".into()),
        Err(Error::MalformedEnvelope(EnvelopeDefect::Json { .. }))
    ));
    assert_eq!(
        edit(&|v| v["type"] = "download".into()),
        Err(defect(EnvelopeDefect::WrongType))
    );
    assert_eq!(
        edit(&|v| {
            v.as_object_mut().unwrap().remove("type");
        }),
        Err(defect(EnvelopeDefect::WrongType))
    );
    for field in ["group_id", "nonce", "payload_sha256", "signature"] {
        let text = value[field].as_str().unwrap().to_owned();
        assert_eq!(
            edit(&|v| v[field] = text[2..].into()),
            Err(defect(EnvelopeDefect::Hex(field))),
            "{field} too short"
        );
        assert_eq!(
            edit(&|v| v[field] = format!("{text}00").into()),
            Err(defect(EnvelopeDefect::Hex(field))),
            "{field} too long"
        );
        assert_eq!(
            edit(&|v| v[field] = format!("zz{}", &text[2..]).into()),
            Err(defect(EnvelopeDefect::Hex(field))),
            "{field} not hex"
        );
        assert!(
            matches!(
                edit(&|v| {
                    v.as_object_mut().unwrap().remove(field);
                }),
                Err(Error::MalformedEnvelope(EnvelopeDefect::Json { .. }))
            ),
            "{field} missing"
        );
    }
    assert!(matches!(
        edit(&|v| v["extra"] = 1.into()),
        Err(Error::MalformedEnvelope(EnvelopeDefect::Json { .. }))
    ));
    assert!(matches!(
        edit(&|v| v["timestamp"] = (-1).into()),
        Err(Error::MalformedEnvelope(EnvelopeDefect::Json { .. }))
    ));
    assert_eq!(
        edit(&|v| v["task_id"] = "".into()),
        Err(defect(EnvelopeDefect::TaskId))
    );
    let mut identity = "c0".to_owned();
    identity.push_str(&"00".repeat(95));
    assert_eq!(
        edit(&|v| v["signature"] = identity.clone().into()),
        Err(Error::Encoding(credkit_core::Error::IdentityPoint))
    );
    value["version"] = 1.into();
    assert!(Envelope::from_json(&value.to_string()).is_ok());
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = Envelope::from_bytes(&bytes);
        let _ = Envelope::from_json(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_encodings_decode_canonically_or_fail(at in 0usize..400, byte in any::<u8>()) {
        let mut bytes = upload(&group(), 3).to_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        if let Ok(envelope) = Envelope::from_bytes(&bytes) {
            prop_assert_eq!(envelope.to_bytes(), bytes);
        }
    }
}

// ---- the signature covers every field ----

#[derive(Clone, Copy, Debug)]
enum Tweak {
    GroupId,
    TaskId,
    Nonce,
    TimestampUp,
    TimestampDown,
    PayloadHash,
    Payload,
}

const TWEAKS: [Tweak; 7] = [
    Tweak::GroupId,
    Tweak::TaskId,
    Tweak::Nonce,
    Tweak::TimestampUp,
    Tweak::TimestampDown,
    Tweak::PayloadHash,
    Tweak::Payload,
];

#[test]
fn every_field_is_signed() {
    let sk = group();
    let original = upload(&sk, 5);
    let u = original.unsigned().clone();
    for tweak in TWEAKS {
        let mut group_id = *u.group_id();
        let mut task_id = u.task_id().clone();
        let mut nonce = *u.nonce();
        let mut timestamp = u.timestamp();
        let mut payload_sha256 = *u.payload_sha256();
        let mut body = payload(5);
        let expected = match tweak {
            Tweak::GroupId => {
                group_id = GroupId::from_public_key(other_group().public_key());
                Error::WrongGroup { found: group_id }
            }
            Tweak::TaskId => {
                task_id = TaskId::new("study-S/visit-4").unwrap();
                Error::InvalidSignature
            }
            Tweak::Nonce => {
                nonce[31] ^= 1;
                Error::InvalidSignature
            }
            Tweak::TimestampUp => {
                timestamp += 1;
                Error::InvalidSignature
            }
            Tweak::TimestampDown => {
                timestamp -= 1;
                Error::InvalidSignature
            }
            Tweak::PayloadHash => {
                body = payload(6);
                payload_sha256 = Sha256::digest(&body).into();
                Error::InvalidSignature
            }
            Tweak::Payload => {
                body = payload(6);
                Error::PayloadMismatch
            }
        };
        let tweaked =
            UnsignedEnvelope::from_parts(group_id, task_id, nonce, timestamp, payload_sha256);
        if !matches!(tweak, Tweak::Payload) {
            assert!(
                original
                    .signature()
                    .verify(sk.public_key(), &tweaked.signing_bytes())
                    .is_err(),
                "{tweak:?}: the signature still verifies"
            );
        }
        let forged = tweaked.attach(original.signature().clone());
        let mut c = collector();
        assert_eq!(
            c.accept(&forged, &body, NOW),
            Err(expected.clone()),
            "{tweak:?}"
        );
        assert_eq!(
            forged.verify(sk.public_key(), &body),
            Err(expected.clone()),
            "{tweak:?}"
        );
        let report = c.accept_batch(&[forged], &[body], NOW).unwrap();
        assert_eq!(report.outcomes(), &[Err(expected)], "{tweak:?} (batch)");
        // Nothing was recorded: the genuine upload still goes through.
        c.accept(&original, &payload(5), NOW).unwrap();
    }
}

// ---- the collector ----

#[test]
fn threshold_signed_uploads_do_not_reveal_the_signers() {
    use credkit_threshold::{combine, dealer, sign};
    let mut rng = StdRng::seed_from_u64(3);
    let (group_key, shares) = dealer::deal(&mut rng, 3, 5).unwrap();
    let unsigned = UnsignedEnvelope::new_with_rng(
        &mut rng,
        GroupId::from_public_key(group_key.public_key()),
        task(),
        NOW,
        b"reading",
    );
    let message = unsigned.signing_bytes();
    let by = |members: [usize; 3]| {
        let partials: Vec<_> = members
            .iter()
            .map(|&m| sign::sign(&shares[m], &message))
            .collect();
        unsigned
            .clone()
            .attach(combine::combine(&group_key, &partials).unwrap())
    };
    let (first, last) = (by([0, 1, 2]), by([4, 3, 2]));
    // The same bytes whichever members signed: the collector cannot tell them apart.
    assert_eq!(first.to_bytes(), last.to_bytes());
    let mut c = Collector::new(group_key.public_key().clone(), MemoryNonceStore::new());
    c.accept(&first, b"reading", NOW).unwrap();
    assert_eq!(c.accept(&last, b"reading", NOW), Err(Error::Replay));
}

#[test]
fn accepts_then_rejects_a_replay() {
    let sk = group();
    let mut c = collector();
    let envelope = upload(&sk, 1);
    assert_eq!(envelope.verify(sk.public_key(), &payload(1)), Ok(()));
    c.accept(&envelope, &payload(1), NOW).unwrap();
    assert_eq!(c.accept(&envelope, &payload(1), NOW), Err(Error::Replay));
    // Re-encoded, it is still the same upload.
    let again = Envelope::from_bytes(&envelope.to_bytes()).unwrap();
    assert_eq!(c.accept(&again, &payload(1), NOW + 10), Err(Error::Replay));
    c.accept(&upload(&sk, 2), &payload(2), NOW).unwrap();
    assert_eq!(c.store().len(), 2);
}

#[test]
fn random_nonces_from_new() {
    let sk = group();
    let a = UnsignedEnvelope::new(group_id(&sk), task(), NOW, b"x");
    let b = UnsignedEnvelope::new(group_id(&sk), task(), NOW, b"x");
    assert_ne!(a.nonce(), b.nonce());
    let mut rng = StdRng::seed_from_u64(9);
    let c = UnsignedEnvelope::new_with_rng(&mut rng, group_id(&sk), task(), NOW, b"x");
    assert_eq!(c.payload_sha256(), &<[u8; 32]>::from(Sha256::digest(b"x")));
    let mut c2 = collector();
    c2.accept(&sign(&sk, a), b"x", NOW).unwrap();
    c2.accept(&sign(&sk, b), b"x", NOW).unwrap();
}

#[test]
fn timestamp_window() {
    let sk = group();
    let mut c = collector()
        .with_max_age(Duration::from_secs(3600))
        .with_max_clock_skew(Duration::from_secs(60));
    let at = |i, t| (upload_signed_by(&sk, &sk, i, t), payload(i));
    let (e, p) = at(1, NOW - 3600);
    c.accept(&e, &p, NOW).unwrap();
    let (e, p) = at(2, NOW - 3601);
    assert_eq!(
        c.accept(&e, &p, NOW),
        Err(Error::UploadTooOld {
            timestamp: NOW - 3601,
            now: NOW
        })
    );
    let (e, p) = at(3, NOW + 60);
    c.accept(&e, &p, NOW).unwrap();
    let (e, p) = at(4, NOW + 61);
    assert_eq!(
        c.accept(&e, &p, NOW),
        Err(Error::UploadInFuture {
            timestamp: NOW + 61,
            now: NOW
        })
    );
    // Extreme values do not overflow.
    let (e, p) = at(5, u64::MAX);
    assert!(matches!(
        c.accept(&e, &p, NOW),
        Err(Error::UploadInFuture { .. })
    ));
    let (e, p) = at(6, 0);
    assert!(matches!(
        c.accept(&e, &p, NOW),
        Err(Error::UploadTooOld { .. })
    ));
    let (e, p) = at(7, u64::MAX);
    c.accept(&e, &p, u64::MAX).unwrap();
}

#[test]
fn replays_after_the_window_are_refused_by_the_clock_and_pruned() {
    let sk = group();
    let mut c = collector().with_max_age(Duration::from_secs(100));
    let e = upload(&sk, 1);
    c.accept(&e, &payload(1), NOW).unwrap();
    c.prune(NOW + 100).unwrap();
    assert_eq!(c.store().len(), 1, "still inside the window at NOW + 100");
    assert_eq!(c.accept(&e, &payload(1), NOW + 100), Err(Error::Replay));
    c.prune(NOW + 101).unwrap();
    assert!(c.store().is_empty());
    assert!(matches!(
        c.accept(&e, &payload(1), NOW + 101),
        Err(Error::UploadTooOld { .. })
    ));
}

#[test]
fn wrong_group() {
    let sk = group();
    let other = other_group();
    let mut c = collector();
    // An upload of another group.
    let theirs = upload(&other, 1);
    assert_eq!(
        c.accept(&theirs, &payload(1), NOW),
        Err(Error::WrongGroup {
            found: group_id(&other)
        })
    );
    // Naming this group, signed under another key.
    let forged = upload_signed_by(&sk, &other, 2, NOW);
    assert_eq!(
        c.accept(&forged, &payload(2), NOW),
        Err(Error::InvalidSignature)
    );
    assert!(c.store().is_empty());
}

#[test]
fn replays_are_refused_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonces.log");
    let sk = group();
    let (a, b) = (upload(&sk, 1), upload(&sk, 2));
    {
        let mut c = Collector::new(
            sk.public_key().clone(),
            FileNonceStore::open(&path).unwrap(),
        );
        c.accept(&a, &payload(1), NOW).unwrap();
        assert_eq!(c.accept(&a, &payload(1), NOW), Err(Error::Replay));
    }
    let mut c = Collector::new(
        sk.public_key().clone(),
        FileNonceStore::open(&path).unwrap(),
    );
    assert_eq!(c.accept(&a, &payload(1), NOW + 1), Err(Error::Replay));
    c.accept(&b, &payload(2), NOW + 1).unwrap();
    drop(c);
    let store = FileNonceStore::open(&path).unwrap();
    assert_eq!(store.len(), 2);
    assert!(store.contains(a.nonce()) && store.contains(b.nonce()));
}

// ---- batches ----

fn batch(sk: &SecretKey, n: u64, first: u64) -> (Vec<Envelope>, Vec<Vec<u8>>) {
    (first..first + n)
        .map(|i| (upload(sk, i), payload(i)))
        .unzip()
}

fn rejected(report: &credkit_threshold::upload::BatchReport) -> Vec<(usize, Error)> {
    report.rejected().map(|(i, e)| (i, e.clone())).collect()
}

#[test]
fn batch_names_exactly_the_bad_signatures() {
    let sk = group();
    let other = other_group();
    let (mut envelopes, payloads) = batch(&sk, 200, 0);
    let bad = [17usize, 101, 199];
    for &i in &bad {
        envelopes[i] = upload_signed_by(&sk, &other, i as u64, NOW);
    }
    // One bad signature is another envelope's valid signature.
    envelopes[101] = envelopes[101]
        .unsigned()
        .clone()
        .attach(envelopes[100].signature().clone());
    let mut c = collector();
    let mut rng = StdRng::seed_from_u64(1);
    let report = c
        .accept_batch_with_rng(&mut rng, &envelopes, &payloads, NOW)
        .unwrap();
    let expected: Vec<(usize, Error)> = bad.iter().map(|&i| (i, Error::InvalidSignature)).collect();
    assert_eq!(rejected(&report), expected);
    assert_eq!(report.accepted().count(), 197);
    assert!(!report.is_all_accepted());
    assert_eq!(c.store().len(), 197);
    for &i in &bad {
        assert!(!c.store().contains(envelopes[i].nonce()));
    }
    // The same batch again: replays, and the same three bad signatures.
    let again = c.accept_batch(&envelopes, &payloads, NOW).unwrap();
    for (i, outcome) in again.outcomes().iter().enumerate() {
        let expected = if bad.contains(&i) {
            Error::InvalidSignature
        } else {
            Error::Replay
        };
        assert_eq!(outcome, &Err(expected), "envelope {i}");
    }
}

#[test]
fn batch_of_valid_uploads() {
    let sk = group();
    let (envelopes, payloads) = batch(&sk, 50, 0);
    let mut c = collector();
    let report = c.accept_batch(&envelopes, &payloads, NOW).unwrap();
    assert!(report.is_all_accepted());
    assert_eq!(
        report.accepted().collect::<Vec<_>>(),
        (0..50).collect::<Vec<_>>()
    );
    assert_eq!(
        c.accept(&envelopes[3], &payloads[3], NOW),
        Err(Error::Replay)
    );
}

#[test]
fn batches_of_every_small_size_and_all_bad() {
    let sk = group();
    let other = other_group();
    for n in [1u64, 2, 8, 9, 17, 33] {
        let (mut envelopes, payloads) = batch(&sk, n, 1000 * n);
        let last = (n - 1) as usize;
        envelopes[last] = upload_signed_by(&sk, &other, 1000 * n + n - 1, NOW);
        let report = collector()
            .accept_batch(&envelopes, &payloads, NOW)
            .unwrap();
        assert_eq!(
            rejected(&report),
            vec![(last, Error::InvalidSignature)],
            "n = {n}"
        );
    }
    let envelopes: Vec<Envelope> = (0..20)
        .map(|i| upload_signed_by(&sk, &other, i, NOW))
        .collect();
    let payloads: Vec<Vec<u8>> = (0..20).map(payload).collect();
    let report = collector()
        .accept_batch(&envelopes, &payloads, NOW)
        .unwrap();
    assert_eq!(report.accepted().count(), 0);
    assert!(report
        .outcomes()
        .iter()
        .all(|o| o == &Err(Error::InvalidSignature)));
}

#[test]
fn batch_names_many_bad_signatures() {
    // Adjacent, first and last positions, and enough of them (30 of 100) for the search to go
    // one by one part of the way.
    let sk = group();
    let other = other_group();
    let (mut envelopes, payloads) = batch(&sk, 100, 500);
    let bad: Vec<usize> = [0usize, 1, 2, 50, 51, 99]
        .into_iter()
        .chain((10..90).step_by(3))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for &i in &bad {
        envelopes[i] = upload_signed_by(&sk, &other, 500 + i as u64, NOW);
    }
    let report = collector()
        .accept_batch(&envelopes, &payloads, NOW)
        .unwrap();
    let expected: Vec<(usize, Error)> = bad.iter().map(|&i| (i, Error::InvalidSignature)).collect();
    assert_eq!(rejected(&report), expected);
}

#[test]
fn batch_with_duplicate_nonces() {
    let sk = group();
    let other = other_group();
    let (mut envelopes, mut payloads) = batch(&sk, 20, 0);
    // Envelope 9: another payload and timestamp, the nonce of envelope 5, validly signed.
    envelopes[9] = sign(
        &sk,
        UnsignedEnvelope::from_parts(
            group_id(&sk),
            task(),
            nonce(5),
            NOW + 1,
            Sha256::digest(payload(99)).into(),
        ),
    );
    payloads[9] = payload(99);
    envelopes[12] = envelopes[5].clone();
    payloads[12] = payloads[5].clone();
    let report = collector()
        .accept_batch(&envelopes, &payloads, NOW)
        .unwrap();
    assert_eq!(
        rejected(&report),
        vec![(9, Error::Replay), (12, Error::Replay)]
    );
    // When the first of them is forged, the later valid one (9) is accepted.
    envelopes[5] = upload_signed_by(&sk, &other, 5, NOW);
    envelopes[12] = envelopes[5].clone();
    let report = collector()
        .accept_batch(&envelopes, &payloads, NOW)
        .unwrap();
    assert_eq!(
        rejected(&report),
        vec![(5, Error::InvalidSignature), (12, Error::InvalidSignature)]
    );
}

#[test]
fn batch_reports_cheap_checks_per_envelope() {
    let sk = group();
    let (mut envelopes, mut payloads) = batch(&sk, 12, 0);
    payloads[2] = b"something else".to_vec();
    envelopes[3] = upload_signed_by(&sk, &sk, 3, NOW - 2 * 86_400);
    envelopes[4] = upload(&other_group(), 4);
    envelopes[5] = upload_signed_by(&sk, &sk, 5, NOW + 3600);
    let report = collector()
        .accept_batch(&envelopes, &payloads, NOW)
        .unwrap();
    assert_eq!(
        rejected(&report),
        vec![
            (2, Error::PayloadMismatch),
            (
                3,
                Error::UploadTooOld {
                    timestamp: NOW - 2 * 86_400,
                    now: NOW
                }
            ),
            (
                4,
                Error::WrongGroup {
                    found: group_id(&other_group())
                }
            ),
            (
                5,
                Error::UploadInFuture {
                    timestamp: NOW + 3600,
                    now: NOW
                }
            ),
        ]
    );
}

#[test]
fn batch_argument_errors() {
    let sk = group();
    let (envelopes, payloads) = batch(&sk, 3, 0);
    assert_eq!(
        collector().accept_batch(&envelopes, &payloads[..2], NOW),
        Err(Error::PayloadCountMismatch {
            envelopes: 3,
            payloads: 2
        })
    );
    let report = collector().accept_batch::<Vec<u8>>(&[], &[], NOW).unwrap();
    assert!(report.outcomes().is_empty() && report.is_all_accepted());
}

#[test]
fn batch_with_the_file_store_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonces.log");
    let sk = group();
    let (envelopes, payloads) = batch(&sk, 40, 0);
    {
        let mut c = Collector::new(
            sk.public_key().clone(),
            FileNonceStore::open(&path).unwrap(),
        );
        assert!(c
            .accept_batch(&envelopes, &payloads, NOW)
            .unwrap()
            .is_all_accepted());
    }
    assert_eq!(
        fs::metadata(&path).unwrap().len(),
        16 + 40 * 48,
        "one 48-byte record per nonce after the 16-byte magic"
    );
    let mut c = Collector::new(
        sk.public_key().clone(),
        FileNonceStore::open(&path).unwrap(),
    );
    let report = c.accept_batch(&envelopes, &payloads, NOW).unwrap();
    assert!(report.outcomes().iter().all(|o| o == &Err(Error::Replay)));
}

// ---- the file store ----

fn file_len(path: &Path) -> u64 {
    fs::metadata(path).unwrap().len()
}

fn append(path: &Path, bytes: &[u8]) {
    OpenOptions::new()
        .append(true)
        .open(path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
}

#[test]
fn file_store_creates_and_reloads() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonces.log");
    let mut store = FileNonceStore::open(&path).unwrap();
    assert!(store.is_empty());
    assert_eq!(fs::read(&path).unwrap(), b"credkit-nonces\x00\x01");
    assert_eq!(store.insert_if_absent(&nonce(1), 10), Ok(true));
    assert_eq!(store.insert_if_absent(&nonce(1), 10), Ok(false));
    assert_eq!(
        store.insert_all_if_absent(&[
            (nonce(2), 10),
            (nonce(1), 10),
            (nonce(2), 10),
            (nonce(3), 10)
        ]),
        Ok(vec![true, false, false, true])
    );
    assert_eq!(file_len(&path), 16 + 3 * 48);
    drop(store);
    let store = FileNonceStore::open(&path).unwrap();
    assert_eq!(store.len(), 3);
    assert_eq!(store.path(), path);
    // An empty file is a new store.
    fs::write(&path, b"").unwrap();
    assert!(FileNonceStore::open(&path).unwrap().is_empty());
    assert_eq!(file_len(&path), 16);
}

#[test]
fn file_store_truncates_a_torn_tail() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonces.log");
    let mut store = FileNonceStore::open(&path).unwrap();
    for i in 0..3 {
        store.insert_if_absent(&nonce(i), 10).unwrap();
    }
    drop(store);
    // A partial record...
    append(&path, &[0x5a; 20]);
    let mut store = FileNonceStore::open(&path).unwrap();
    assert_eq!(store.len(), 3);
    assert_eq!(file_len(&path), 16 + 3 * 48);
    store.insert_if_absent(&nonce(3), 10).unwrap();
    drop(store);
    // ...or garbled whole records and a partial one (a torn multi-record append).
    append(&path, &[0u8; 48 * 2 + 7]);
    let store = FileNonceStore::open(&path).unwrap();
    assert_eq!(store.len(), 4);
    assert!((0..4).all(|i| store.contains(&nonce(i))));
    assert_eq!(file_len(&path), 16 + 4 * 48);
}

#[test]
fn file_store_reports_damage_before_intact_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonces.log");
    let mut store = FileNonceStore::open(&path).unwrap();
    for i in 0..3 {
        store.insert_if_absent(&nonce(i), 10).unwrap();
    }
    drop(store);
    let good = fs::read(&path).unwrap();
    let mut damaged = good.clone();
    damaged[16 + 48 + 5] ^= 1;
    fs::write(&path, &damaged).unwrap();
    assert_eq!(
        FileNonceStore::open(&path).unwrap_err(),
        Error::CorruptNonceStore { offset: 16 + 48 }
    );
    assert_eq!(fs::read(&path).unwrap(), damaged, "left untouched");
    let mut bad_magic = good.clone();
    bad_magic[3] = b'X';
    fs::write(&path, &bad_magic).unwrap();
    assert_eq!(
        FileNonceStore::open(&path).unwrap_err(),
        Error::CorruptNonceStore { offset: 0 }
    );
    fs::write(&path, &good[..10]).unwrap();
    assert_eq!(
        FileNonceStore::open(&path).unwrap_err(),
        Error::CorruptNonceStore { offset: 0 }
    );
}

#[test]
fn file_store_prunes_and_compacts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonces.log");
    let mut store = FileNonceStore::open(&path).unwrap();
    store
        .insert_all_if_absent(&[(nonce(1), 10), (nonce(2), 20), (nonce(3), 30)])
        .unwrap();
    store.prune(20).unwrap();
    assert!(!store.contains(&nonce(1)) && store.contains(&nonce(2)) && store.contains(&nonce(3)));
    assert_eq!(
        file_len(&path),
        16 + 3 * 48,
        "few dead records: no rewrite yet"
    );
    store.compact().unwrap();
    assert_eq!(file_len(&path), 16 + 2 * 48);
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    assert!(!Path::new(&tmp).exists());
    // Appends after a compaction land in the new file.
    store.insert_if_absent(&nonce(4), 40).unwrap();
    drop(store);
    let mut store = FileNonceStore::open(&path).unwrap();
    assert_eq!(store.len(), 3);
    assert!(!store.contains(&nonce(1)));
    // A pruned nonce can be recorded again; the later expiry wins on reload.
    assert_eq!(store.insert_if_absent(&nonce(1), 50), Ok(true));
    drop(store);
    assert_eq!(FileNonceStore::open(&path).unwrap().len(), 4);
}

#[test]
fn file_store_compacts_by_itself_when_mostly_dead() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonces.log");
    let mut store = FileNonceStore::open(&path).unwrap();
    let dead: Vec<([u8; 32], u64)> = (0..1500).map(|i| (nonce(i), 1)).collect();
    store.insert_all_if_absent(&dead).unwrap();
    let live: Vec<([u8; 32], u64)> = (1500..1510).map(|i| (nonce(i), 100)).collect();
    store.insert_all_if_absent(&live).unwrap();
    assert_eq!(file_len(&path), 16 + 1510 * 48);
    store.prune(50).unwrap();
    assert_eq!(file_len(&path), 16 + 10 * 48);
    drop(store);
    assert_eq!(FileNonceStore::open(&path).unwrap().len(), 10);
}

#[test]
fn memory_store() {
    let mut store = MemoryNonceStore::new();
    assert_eq!(
        store.insert_all_if_absent(&[(nonce(1), 5), (nonce(1), 5), (nonce(2), 9)]),
        Ok(vec![true, false, true])
    );
    store.prune(6).unwrap();
    assert!(!store.contains(&nonce(1)) && store.contains(&nonce(2)));
    assert_eq!(store.len(), 1);
}

/// A JSON envelope with a repeated key is refused: readers that keep the first or the last
/// value must not see different envelopes behind one signature.
#[test]
fn repeated_json_keys_are_refused() {
    let key = credkit_threshold::bls::SecretKey::key_gen(&[3u8; 32], b"").unwrap();
    let group = credkit_threshold::upload::GroupId::from_public_key(key.public_key());
    let task = credkit_threshold::upload::TaskId::new("t").unwrap();
    let unsigned =
        credkit_threshold::upload::UnsignedEnvelope::new(group, task, 1_750_000_000, b"payload");
    let signature = key.sign(&unsigned.signing_bytes());
    let json = unsigned.attach(signature).to_json();
    assert!(credkit_threshold::upload::Envelope::from_json(&json).is_ok());
    let doubled = json.replacen("\"task_id\":", "\"task_id\":\"other\",\"task_id\":", 1);
    assert!(
        credkit_threshold::upload::Envelope::from_json(&doubled).is_err(),
        "{doubled}"
    );
}

/// Hex in envelope JSON is lowercase only, as in every credkit document.
#[test]
fn uppercase_hex_is_refused() {
    let key = credkit_threshold::bls::SecretKey::key_gen(&[4u8; 32], b"").unwrap();
    let group = credkit_threshold::upload::GroupId::from_public_key(key.public_key());
    let task = credkit_threshold::upload::TaskId::new("t").unwrap();
    let unsigned =
        credkit_threshold::upload::UnsignedEnvelope::new(group, task, 1_750_000_000, b"p");
    let signature = key.sign(&unsigned.signing_bytes());
    let json = unsigned.attach(signature).to_json();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let nonce = value["nonce"].as_str().unwrap().to_owned();
    assert!(
        nonce
            .bytes()
            .any(|b| b.is_ascii_lowercase() && b.is_ascii_alphabetic()),
        "test needs a letter"
    );
    let upper = json.replace(&nonce, &nonce.to_uppercase());
    assert!(credkit_threshold::upload::Envelope::from_json(&upper).is_err());
}
