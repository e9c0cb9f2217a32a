//! `hash_to_scalar` of draft-irtf-cfrg-bbs-signatures, section 4.2.2 ("Hash to Scalar").

use blstrs::Scalar;

use crate::expand_message::ExpandMessage;
use crate::Error;

/// `expand_len` of both BLS12-381 BBS ciphersuites: `ceil((ceil(log2(r)) + k) / 8)` = 48 bytes
/// for k = 128, so that the reduction mod r is statistically uniform.
pub const HASH_TO_SCALAR_EXPAND_LEN: usize = 48;

/// `hash_to_scalar(msg_octets, dst)`: `OS2IP(expand_message(msg, dst, 48)) mod r`, where `msg`
/// is the concatenation of the slices of `msg`.
///
/// ```
/// use credkit_core::{hash_to_scalar, expand_message::XmdSha256};
///
/// let s = hash_to_scalar::<XmdSha256>(&[b"hello"], b"APP_H2S_")?;
/// assert_eq!(s, hash_to_scalar::<XmdSha256>(&[b"hel", b"lo"], b"APP_H2S_")?);
///
/// // A DST longer than 255 bytes is an error (the draft says ABORT).
/// assert!(hash_to_scalar::<XmdSha256>(&[b"hello"], &[b'D'; 256]).is_err());
/// # Ok::<(), credkit_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::DstTooLong`] when `dst` is longer than 255 bytes.
pub fn hash_to_scalar<X: ExpandMessage>(msg: &[&[u8]], dst: &[u8]) -> Result<Scalar, Error> {
    if dst.len() > 255 {
        return Err(Error::DstTooLong);
    }
    let mut okm = [0u8; HASH_TO_SCALAR_EXPAND_LEN];
    X::expand_message(msg, dst, &mut okm)?;
    Ok(scalar_from_okm(&okm))
}

/// `OS2IP(okm) mod r` for 48 bytes of output keying material, in constant time.
pub fn scalar_from_okm(okm: &[u8; HASH_TO_SCALAR_EXPAND_LEN]) -> Scalar {
    // Horner's rule over big-endian 64-bit limbs: acc = acc * 2^64 + limb.
    let two_64 = Scalar::from(u64::MAX) + Scalar::from(1u64);
    okm.chunks_exact(8).fold(Scalar::from(0u64), |acc, limb| {
        let mut be = [0u8; 8];
        be.copy_from_slice(limb);
        acc * two_64 + Scalar::from(u64::from_be_bytes(be))
    })
}
