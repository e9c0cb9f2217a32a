//! `expand_message` of [RFC 9380, section 5.3](https://www.rfc-editor.org/rfc/rfc9380#section-5.3):
//! stretching a message into uniformly random bytes under a domain separation tag.
//!
//! Both variants take the message as a list of slices, hashed as their concatenation, so that
//! callers that hash structured input (BBS's domain and challenge, for instance) need not copy
//! it into one buffer first.
//!
//! ```
//! use credkit_core::expand_message::{ExpandMessage, XmdSha256};
//!
//! // RFC 9380, appendix K.1: msg = "", len_in_bytes = 0x20.
//! let mut out = [0u8; 32];
//! XmdSha256::expand_message(&[b""], b"QUUX-V01-CS02-with-expander-SHA256-128", &mut out)?;
//! assert_eq!(out[..4], [0x68, 0xa9, 0x85, 0xb8]);
//!
//! // More than 255 blocks of SHA-256 is out of range and rejected, not truncated.
//! let mut too_long = vec![0u8; 255 * 32 + 1];
//! assert!(XmdSha256::expand_message(&[b"m"], b"DST", &mut too_long).is_err());
//! # Ok::<(), credkit_core::Error>(())
//! ```

use core::marker::PhantomData;

use digest::{core_api::BlockSizeUser, Digest, ExtendableOutput, Update, XofReader};

use crate::Error;

/// The prefix with which a domain separation tag longer than 255 bytes is hashed down
/// (RFC 9380, section 5.3.3).
const OVERSIZE_DST_PREFIX: &[u8] = b"H2C-OVERSIZE-DST-";

/// An `expand_message` variant of RFC 9380, section 5.3.
pub trait ExpandMessage {
    /// Fills `out` with `expand_message(msg, dst, out.len())`, where `msg` is the
    /// concatenation of the slices of `msg`.
    ///
    /// # Errors
    /// [`Error::ExpandLengthTooLarge`] when `out.len()` exceeds what the variant may produce.
    fn expand_message(msg: &[&[u8]], dst: &[u8], out: &mut [u8]) -> Result<(), Error>;
}

/// `expand_message_xmd` (RFC 9380, section 5.3.1) over a Merkle-Damgård hash `H`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ExpandMsgXmd<H>(PhantomData<H>);

/// `expand_message_xof` (RFC 9380, section 5.3.2) over an extendable-output function `H` at
/// security level `K` bits (which sets the size of a hashed-down oversize DST).
#[derive(Clone, Copy, Debug, Default)]
pub struct ExpandMsgXof<H, const K: usize>(PhantomData<H>);

/// `expand_message_xmd` with SHA-256: the expander of `BLS12381G1_XMD:SHA-256_SSWU_RO_`.
pub type XmdSha256 = ExpandMsgXmd<sha2::Sha256>;

/// `expand_message_xof` with SHAKE-256 at k = 128: the expander of the BBS draft's
/// `BLS12381G1_XOF:SHAKE-256_SSWU_RO_` (draft-irtf-cfrg-bbs-signatures, appendix A.1).
pub type XofShake256 = ExpandMsgXof<sha3::Shake256, 128>;

/// A DST as it enters the hash: the tag itself, or its hash when longer than 255 bytes.
struct DstPrime {
    bytes: [u8; 256],
    len: usize,
}

impl DstPrime {
    fn new(dst: &[u8], hash_down: impl FnOnce(&mut [u8; 256]) -> usize) -> Self {
        let mut bytes = [0u8; 256];
        let len = if dst.len() > 255 {
            hash_down(&mut bytes)
        } else {
            bytes[..dst.len()].copy_from_slice(dst);
            dst.len()
        };
        // DST_prime = DST || I2OSP(len(DST), 1); len <= 255 by construction.
        bytes[len] = len as u8;
        DstPrime {
            bytes,
            len: len + 1,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl<H> ExpandMessage for ExpandMsgXmd<H>
where
    H: Digest + BlockSizeUser,
{
    fn expand_message(msg: &[&[u8]], dst: &[u8], out: &mut [u8]) -> Result<(), Error> {
        let b_in_bytes = <H as Digest>::output_size();
        let s_in_bytes = <H as BlockSizeUser>::block_size();
        let len_in_bytes = out.len();
        let ell = len_in_bytes.div_ceil(b_in_bytes);
        if ell > 255 || len_in_bytes > 65535 {
            return Err(Error::ExpandLengthTooLarge);
        }
        let dst_prime = DstPrime::new(dst, |buf| {
            let digest = H::new()
                .chain_update(OVERSIZE_DST_PREFIX)
                .chain_update(dst)
                .finalize();
            buf[..digest.len()].copy_from_slice(&digest);
            digest.len()
        });
        let dst_prime = dst_prime.as_bytes();

        // msg_prime = Z_pad || msg || I2OSP(len_in_bytes, 2) || I2OSP(0, 1) || DST_prime
        let mut h = H::new();
        const ZEROS: [u8; 256] = [0u8; 256];
        Digest::update(&mut h, &ZEROS[..s_in_bytes]);
        for part in msg {
            Digest::update(&mut h, part);
        }
        Digest::update(&mut h, (len_in_bytes as u16).to_be_bytes());
        Digest::update(&mut h, [0u8]);
        Digest::update(&mut h, dst_prime);
        let b_0 = h.finalize();

        // b_1 = H(b_0 || I2OSP(1, 1) || DST_prime); b_i = H(strxor(b_0, b_(i-1)) || I2OSP(i, 1) || DST_prime)
        let mut b_i = H::new()
            .chain_update(&b_0)
            .chain_update([1u8])
            .chain_update(dst_prime)
            .finalize();
        for (i, chunk) in out.chunks_mut(b_in_bytes).enumerate() {
            if i > 0 {
                let mut xored = b_0.clone();
                for (x, b) in xored.iter_mut().zip(b_i.iter()) {
                    *x ^= b;
                }
                b_i = H::new()
                    .chain_update(&xored)
                    .chain_update([(i + 1) as u8])
                    .chain_update(dst_prime)
                    .finalize();
            }
            chunk.copy_from_slice(&b_i[..chunk.len()]);
        }
        Ok(())
    }
}

impl<H, const K: usize> ExpandMessage for ExpandMsgXof<H, K>
where
    H: Default + Update + ExtendableOutput,
{
    fn expand_message(msg: &[&[u8]], dst: &[u8], out: &mut [u8]) -> Result<(), Error> {
        let len_in_bytes = out.len();
        if len_in_bytes > 65535 {
            return Err(Error::ExpandLengthTooLarge);
        }
        let dst_prime = DstPrime::new(dst, |buf| {
            // DST = H("H2C-OVERSIZE-DST-" || a_very_long_DST, ceil(2 * k / 8))
            let len = (2 * K).div_ceil(8);
            let mut h = H::default();
            h.update(OVERSIZE_DST_PREFIX);
            h.update(dst);
            h.finalize_xof().read(&mut buf[..len]);
            len
        });

        // msg_prime = msg || I2OSP(len_in_bytes, 2) || DST_prime
        let mut h = H::default();
        for part in msg {
            h.update(part);
        }
        h.update(&(len_in_bytes as u16).to_be_bytes());
        h.update(dst_prime.as_bytes());
        h.finalize_xof().read(out);
        Ok(())
    }
}
