//! Every decoder rejects every class of malformed input with its own error.

use credkit_core::curve::{
    Field, G1Affine, G1Projective, G2Affine, Group, PrimeCurveAffine, Scalar,
};
use credkit_core::encoding::*;
use credkit_core::msm::{ct_multi_exp, vartime_multi_exp};
use credkit_core::{hash_to_scalar, scalar_from_okm, Error};
use proptest::prelude::*;

/// r, the order of the prime-order subgroups, big-endian.
const R: [u8; 32] = [
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
];

#[test]
fn scalar_decoding() {
    assert_eq!(
        scalar_from_bytes(&[0u8; 31]),
        Err(Error::InvalidLength {
            expected: 32,
            found: 31
        })
    );
    assert_eq!(scalar_from_bytes(&R), Err(Error::NonCanonicalScalar));
    let mut r_minus_1 = R;
    r_minus_1[31] = 0;
    assert_eq!(
        scalar_to_bytes(&scalar_from_bytes(&r_minus_1).unwrap()),
        r_minus_1
    );
    assert_eq!(scalar_from_bytes(&[0u8; 32]), Ok(Scalar::from(0u64)));
    assert_eq!(
        nonzero_scalar_from_bytes(&[0u8; 32]),
        Err(Error::ZeroScalar)
    );
}

#[test]
fn okm_reduction_matches_wide_arithmetic() {
    // 2^376 + 5 as 48 big-endian bytes, reduced mod r, versus the same computed with scalars.
    let mut okm = [0u8; 48];
    okm[0] = 1;
    okm[47] = 5;
    let mut two_376 = Scalar::from(1u64);
    for _ in 0..376 {
        two_376 = two_376.double();
    }
    assert_eq!(scalar_from_okm(&okm), two_376 + Scalar::from(5u64));
}

#[test]
fn hash_to_scalar_rejects_long_dst() {
    use credkit_core::expand_message::XmdSha256;
    assert_eq!(
        hash_to_scalar::<XmdSha256>(&[b"m"], &[0u8; 256]),
        Err(Error::DstTooLong)
    );
    assert!(hash_to_scalar::<XmdSha256>(&[b"m"], &[0u8; 255]).is_ok());
}

#[test]
fn g1_decoding() {
    let g = G1Affine::generator();
    let bytes = g1_to_bytes(&g);
    assert_eq!(g1_from_bytes(&bytes), Ok(g));
    assert_eq!(
        g1_from_bytes(&bytes[..47]),
        Err(Error::InvalidLength {
            expected: 48,
            found: 47
        })
    );
    // Compression flag cleared: not a valid compressed encoding.
    let mut bad = bytes;
    bad[0] &= 0x7f;
    assert_eq!(g1_from_bytes(&bad), Err(Error::InvalidPointEncoding));
    // Identity, and the identity with the sign bit set (non-canonical).
    let identity = g1_to_bytes(&G1Affine::identity());
    assert_eq!(g1_from_bytes(&identity), Err(Error::IdentityPoint));
    assert_eq!(
        g1_from_bytes_allow_identity(&identity),
        Ok(G1Affine::identity())
    );
    let mut signed_identity = identity;
    signed_identity[0] |= 0x20;
    assert_eq!(
        g1_from_bytes_allow_identity(&signed_identity),
        Err(Error::InvalidPointEncoding)
    );
    // x = p (not reduced).
    let mut x_is_p = hex::decode("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab").unwrap();
    x_is_p[0] |= 0x80;
    assert_eq!(g1_from_bytes(&x_is_p), Err(Error::InvalidPointEncoding));
}

/// A point on the curve y^2 = x^3 + 4 outside the prime-order subgroup: the smallest x >= 0
/// with a square right-hand side that is not torsion-free.
fn g1_off_subgroup() -> [u8; 48] {
    for x in 0u64.. {
        let mut enc = [0u8; 48];
        enc[40..].copy_from_slice(&x.to_be_bytes());
        enc[0] |= 0x80;
        if let Some(p) = Option::<G1Affine>::from(G1Affine::from_compressed_unchecked(&enc)) {
            if !bool::from(p.is_torsion_free()) {
                return enc;
            }
        }
    }
    unreachable!()
}

#[test]
fn g1_subgroup_check() {
    assert_eq!(
        g1_from_bytes(&g1_off_subgroup()),
        Err(Error::PointNotInSubgroup)
    );
}

#[test]
fn g2_decoding() {
    let g = G2Affine::generator();
    let bytes = g2_to_bytes(&g);
    assert_eq!(g2_from_bytes(&bytes), Ok(g));
    assert_eq!(
        g2_from_bytes(&bytes[1..]),
        Err(Error::InvalidLength {
            expected: 96,
            found: 95
        })
    );
    assert_eq!(
        g2_from_bytes(&g2_to_bytes(&G2Affine::identity())),
        Err(Error::IdentityPoint)
    );
    let mut bad = bytes;
    bad[0] &= 0x7f;
    assert_eq!(g2_from_bytes(&bad), Err(Error::InvalidPointEncoding));
    // Off-subgroup G2 point: smallest x = (x0, 0) on the twist outside the subgroup.
    let found = (0u64..).find_map(|x| {
        let mut enc = [0u8; 96];
        enc[88..].copy_from_slice(&x.to_be_bytes());
        enc[0] |= 0x80;
        Option::<G2Affine>::from(G2Affine::from_compressed_unchecked(&enc))
            .filter(|p| !bool::from(p.is_torsion_free()))
            .map(|_| enc)
    });
    assert_eq!(
        g2_from_bytes(&found.unwrap()),
        Err(Error::PointNotInSubgroup)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn msm_agrees_with_naive(seed in any::<u64>(), n in 0usize..12) {
        let mut k = Scalar::from(seed | 1);
        let points: Vec<G1Projective> = (0..n).map(|i| G1Projective::generator() * Scalar::from(i as u64 + 7)).collect();
        let scalars: Vec<Scalar> = (0..n).map(|_| { k = k.square() + Scalar::from(3u64); k }).collect();
        let naive = points.iter().zip(&scalars).fold(G1Projective::identity(), |acc, (p, s)| acc + p * s);
        prop_assert_eq!(ct_multi_exp(&points, &scalars).unwrap(), naive);
        prop_assert_eq!(vartime_multi_exp(&points, &scalars).unwrap(), naive);
    }

    #[test]
    fn scalar_roundtrip(bytes in any::<[u8; 32]>()) {
        match scalar_from_bytes(&bytes) {
            Ok(s) => prop_assert_eq!(scalar_to_bytes(&s), bytes),
            Err(e) => prop_assert_eq!(e, Error::NonCanonicalScalar),
        }
    }

    #[test]
    fn g1_decoder_total(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        // Never panics; whatever decodes re-encodes to the same bytes.
        if let Ok(p) = g1_from_bytes(&bytes) {
            prop_assert_eq!(&g1_to_bytes(&p)[..], &bytes[..]);
        }
    }
}

#[test]
fn msm_edge_cases() {
    let g = G1Projective::generator();
    let minus_one = -Scalar::from(1u64);
    let points = [g, G1Projective::identity(), g.double(), g];
    let scalars = [
        minus_one,
        Scalar::from(5u64),
        Scalar::from(0u64),
        Scalar::from(1u64),
    ];
    // -G + 0 + 0 + G = identity.
    assert_eq!(
        ct_multi_exp(&points, &scalars).unwrap(),
        G1Projective::identity()
    );
    assert_eq!(
        vartime_multi_exp(&points, &scalars).unwrap(),
        G1Projective::identity()
    );
    assert_eq!(ct_multi_exp(&[], &[]).unwrap(), G1Projective::identity());
    assert_eq!(
        vartime_multi_exp(&[], &[]).unwrap(),
        G1Projective::identity()
    );
    assert_eq!(ct_multi_exp(&[g], &[minus_one]).unwrap(), -g);
    assert_eq!(
        ct_multi_exp(&[g], &[]).unwrap_err(),
        Error::LengthMismatch { left: 1, right: 0 }
    );
}
