//! Every class of bad input gives its own typed error, never a panic.

use credkit_bbs::{
    proof_gen, proof_verify, sign, verify, Bls12381Sha256 as Sha, Bls12381Shake256 as Shake, Error,
    Proof, PublicKey, SecretKey, Signature, MAX_MESSAGES,
};
use credkit_core::Error as Enc;

fn fixture() -> (SecretKey, Vec<Vec<u8>>, Signature) {
    let sk = SecretKey::key_gen::<Sha>(&[5u8; 32], b"").unwrap();
    let msgs: Vec<Vec<u8>> = (0..4u8).map(|i| vec![i; 3]).collect();
    let sig = sign::<Sha>(&sk, b"hdr", &msgs).unwrap();
    (sk, msgs, sig)
}

#[test]
fn key_generation_inputs() {
    assert_eq!(
        SecretKey::key_gen::<Sha>(&[0u8; 31], b"").unwrap_err(),
        Error::KeyMaterialTooShort
    );
    assert_eq!(
        SecretKey::key_gen::<Sha>(&[0u8; 32], &vec![0u8; 65536]).unwrap_err(),
        Error::KeyInfoTooLong
    );
    assert!(SecretKey::key_gen::<Sha>(&[0u8; 32], &vec![0u8; 65535]).is_ok());
    assert_eq!(
        SecretKey::from_bytes(&[0u8; 32]).unwrap_err(),
        Error::Encoding(Enc::ZeroScalar)
    );
    assert_eq!(
        SecretKey::from_bytes(&[0xffu8; 32]).unwrap_err(),
        Error::Encoding(Enc::NonCanonicalScalar)
    );
    assert_eq!(
        SecretKey::from_bytes(&[1u8; 33]).unwrap_err(),
        Error::Encoding(Enc::InvalidLength {
            expected: 32,
            found: 33
        })
    );
    let sk = SecretKey::key_gen::<Sha>(&[0u8; 32], b"").unwrap();
    let debug = format!("{sk:?}");
    assert!(debug.contains("<redacted>"));
    assert!(
        !debug.contains(&hex::encode(&sk.to_bytes()[..])),
        "secret key bytes in Debug output"
    );
}

#[test]
fn public_key_decoding() {
    let (sk, _, _) = fixture();
    let bytes = sk.public_key().to_bytes();
    assert_eq!(PublicKey::from_bytes(&bytes).unwrap(), *sk.public_key());
    assert_eq!(
        PublicKey::from_bytes(&bytes[..95]).unwrap_err(),
        Error::Encoding(Enc::InvalidLength {
            expected: 96,
            found: 95
        })
    );
    let mut identity = [0u8; 96];
    identity[0] = 0xc0;
    assert_eq!(
        PublicKey::from_bytes(&identity).unwrap_err(),
        Error::Encoding(Enc::IdentityPoint)
    );
    let mut uncompressed_flag = bytes;
    uncompressed_flag[0] &= 0x7f;
    assert_eq!(
        PublicKey::from_bytes(&uncompressed_flag).unwrap_err(),
        Error::Encoding(Enc::InvalidPointEncoding)
    );
}

#[test]
fn signature_decoding() {
    let (_, _, sig) = fixture();
    let bytes = sig.to_bytes();
    assert_eq!(
        Signature::from_bytes(&bytes[..79]).unwrap_err(),
        Error::Encoding(Enc::InvalidLength {
            expected: 80,
            found: 79
        })
    );
    let mut zero_e = bytes;
    zero_e[48..].fill(0);
    assert_eq!(
        Signature::from_bytes(&zero_e).unwrap_err(),
        Error::Encoding(Enc::ZeroScalar)
    );
    let mut big_e = bytes;
    big_e[48..].fill(0xff);
    assert_eq!(
        Signature::from_bytes(&big_e).unwrap_err(),
        Error::Encoding(Enc::NonCanonicalScalar)
    );
    let mut identity_a = bytes;
    identity_a[..48].fill(0);
    identity_a[0] = 0xc0;
    assert_eq!(
        Signature::from_bytes(&identity_a).unwrap_err(),
        Error::Encoding(Enc::IdentityPoint)
    );
}

#[test]
fn proof_decoding() {
    let (sk, msgs, sig) = fixture();
    let proof = proof_gen::<Sha>(sk.public_key(), &sig, b"hdr", b"", &msgs, &[0]).unwrap();
    let bytes = proof.to_bytes();
    assert_eq!(bytes.len(), 3 * 48 + (4 + 3) * 32);
    assert_eq!(
        Proof::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err(),
        Error::ProofLength(bytes.len() - 1)
    );
    assert_eq!(
        Proof::from_bytes(&bytes[..3 * 48 + 3 * 32]).unwrap_err(),
        Error::ProofLength(3 * 48 + 3 * 32)
    );
    assert_eq!(Proof::from_bytes(&[]).unwrap_err(), Error::ProofLength(0));
    let mut zero_challenge = bytes.clone();
    let n = zero_challenge.len();
    zero_challenge[n - 32..].fill(0);
    assert_eq!(
        Proof::from_bytes(&zero_challenge).unwrap_err(),
        Error::Encoding(Enc::ZeroScalar)
    );
    let huge = vec![0u8; 3 * 48 + (4 + MAX_MESSAGES + 1) * 32];
    assert_eq!(
        Proof::from_bytes(&huge).unwrap_err(),
        Error::TooManyMessages(MAX_MESSAGES + 1)
    );
    // One fewer commitment: a well-formed proof for 3 messages, which is not what was signed.
    let mut truncated = bytes[..bytes.len() - 64].to_vec();
    truncated.extend_from_slice(&bytes[bytes.len() - 32..]);
    let truncated = Proof::from_bytes(&truncated).unwrap();
    assert_eq!(
        proof_verify::<Sha>(sk.public_key(), &truncated, b"hdr", b"", &[&msgs[0]], &[0]),
        Err(Error::InvalidProof)
    );
}

#[test]
fn index_errors() {
    let (sk, msgs, sig) = fixture();
    let pk = sk.public_key();
    assert_eq!(
        proof_gen::<Sha>(pk, &sig, b"hdr", b"", &msgs, &[4]).unwrap_err(),
        Error::IndexOutOfRange { index: 4, count: 4 }
    );
    assert_eq!(
        proof_gen::<Sha>(pk, &sig, b"hdr", b"", &msgs, &[2, 1]).unwrap_err(),
        Error::IndexesNotAscending
    );
    assert_eq!(
        proof_gen::<Sha>(pk, &sig, b"hdr", b"", &msgs, &[1, 1]).unwrap_err(),
        Error::IndexesNotAscending
    );
    let proof = proof_gen::<Sha>(pk, &sig, b"hdr", b"", &msgs, &[1, 2]).unwrap();
    let disclosed = [&msgs[1], &msgs[2]];
    assert_eq!(
        proof_verify::<Sha>(pk, &proof, b"hdr", b"", &disclosed, &[2, 1]),
        Err(Error::IndexesNotAscending)
    );
    assert_eq!(
        proof_verify::<Sha>(pk, &proof, b"hdr", b"", &disclosed, &[1, 4]),
        Err(Error::IndexOutOfRange { index: 4, count: 4 })
    );
    assert_eq!(
        proof_verify::<Sha>(pk, &proof, b"hdr", b"", &disclosed[..1], &[1, 2]),
        Err(Error::DisclosedCountMismatch {
            messages: 1,
            indexes: 2
        })
    );
    // Right shape, wrong positions.
    assert_eq!(
        proof_verify::<Sha>(pk, &proof, b"hdr", b"", &disclosed, &[0, 1]),
        Err(Error::InvalidProof)
    );
    proof_verify::<Sha>(pk, &proof, b"hdr", b"", &disclosed, &[1, 2]).unwrap();
}

#[test]
fn too_many_messages() {
    let (sk, _, sig) = fixture();
    let many = vec![b"m".to_vec(); MAX_MESSAGES + 1];
    assert_eq!(
        sign::<Sha>(&sk, b"", &many).unwrap_err(),
        Error::TooManyMessages(MAX_MESSAGES + 1)
    );
    assert_eq!(
        verify::<Sha>(sk.public_key(), &sig, b"", &many),
        Err(Error::TooManyMessages(MAX_MESSAGES + 1))
    );
}

#[test]
fn wrong_suite_or_key_is_rejected() {
    let (sk, msgs, sig) = fixture();
    assert_eq!(
        verify::<Shake>(sk.public_key(), &sig, b"hdr", &msgs),
        Err(Error::InvalidSignature)
    );
    let proof = proof_gen::<Sha>(sk.public_key(), &sig, b"hdr", b"ph", &msgs, &[0]).unwrap();
    assert_eq!(
        proof_verify::<Shake>(sk.public_key(), &proof, b"hdr", b"ph", &[&msgs[0]], &[0]),
        Err(Error::InvalidProof)
    );
    let other = SecretKey::key_gen::<Sha>(&[6u8; 32], b"").unwrap();
    assert_eq!(
        verify::<Sha>(other.public_key(), &sig, b"hdr", &msgs),
        Err(Error::InvalidSignature)
    );
    assert_eq!(
        proof_verify::<Sha>(other.public_key(), &proof, b"hdr", b"ph", &[&msgs[0]], &[0]),
        Err(Error::InvalidProof)
    );
    // A proof from a signature that does not verify does not verify either.
    let forged =
        Signature::from_bytes(&sign::<Sha>(&other, b"hdr", &msgs).unwrap().to_bytes()).unwrap();
    let proof = proof_gen::<Sha>(sk.public_key(), &forged, b"hdr", b"ph", &msgs, &[0]).unwrap();
    assert_eq!(
        proof_verify::<Sha>(sk.public_key(), &proof, b"hdr", b"ph", &[&msgs[0]], &[0]),
        Err(Error::InvalidProof)
    );
}

#[test]
fn empty_message_lists() {
    let sk = SecretKey::key_gen::<Shake>(&[8u8; 32], b"").unwrap();
    let none: [&[u8]; 0] = [];
    let sig = sign::<Shake>(&sk, b"only a header", &none).unwrap();
    verify::<Shake>(sk.public_key(), &sig, b"only a header", &none).unwrap();
    let proof =
        proof_gen::<Shake>(sk.public_key(), &sig, b"only a header", b"n", &none, &[]).unwrap();
    proof_verify::<Shake>(sk.public_key(), &proof, b"only a header", b"n", &none, &[]).unwrap();
    assert_eq!(
        proof_verify::<Shake>(sk.public_key(), &proof, b"another header", b"n", &none, &[]),
        Err(Error::InvalidProof)
    );
}

#[test]
fn hazmat_misuse() {
    use credkit_bbs::hazmat::{
        mocked_random_scalars, proof_gen_with_scalars, seeded_random_scalars,
    };
    // Section 8.1: at most 170 mocked scalars with SHA-256 (255 blocks), 1365 with SHAKE-256
    // (65535 bytes); and count * 48 must not overflow on the way.
    assert!(seeded_random_scalars::<Sha>(b"seed", b"dst", 170).is_ok());
    assert_eq!(
        seeded_random_scalars::<Sha>(b"seed", b"dst", 171).unwrap_err(),
        Error::Encoding(Enc::ExpandLengthTooLarge)
    );
    assert!(seeded_random_scalars::<Shake>(b"seed", b"dst", 1365).is_ok());
    assert_eq!(
        seeded_random_scalars::<Shake>(b"seed", b"dst", 1366).unwrap_err(),
        Error::Encoding(Enc::ExpandLengthTooLarge)
    );
    assert_eq!(
        seeded_random_scalars::<Sha>(b"seed", b"dst", usize::MAX / 16).unwrap_err(),
        Error::Encoding(Enc::ExpandLengthTooLarge)
    );
    let (sk, msgs, sig) = fixture();
    let pk = sk.public_key();
    let mut scalars = mocked_random_scalars::<Sha>(5 + 3).unwrap();
    assert_eq!(
        proof_gen_with_scalars::<Sha>(pk, &sig, b"hdr", b"", &msgs, &[0], &scalars[..7])
            .unwrap_err(),
        Error::RandomScalarCount {
            expected: 8,
            found: 7
        }
    );
    scalars[1] = credkit_core::curve::Scalar::from(0u64);
    assert_eq!(
        proof_gen_with_scalars::<Sha>(pk, &sig, b"hdr", b"", &msgs, &[0], &scalars).unwrap_err(),
        Error::ZeroRandomScalar
    );
}

#[test]
fn signature_debug_is_redacted() {
    let (_, _, sig) = fixture();
    let debug = format!("{sig:?}");
    assert_eq!(debug, "Signature(<redacted>)");
}
