//! FABEO ciphertext-policy attribute-based encryption (Riepel and Wee, "FABEO: Fast
//! Attribute-Based Encryption with Optimal Security", CCS 2022, the CP-ABE scheme of its
//! section 4) on BLS12-381, as a key encapsulation mechanism.
//!
//! ```text
//! Setup:    alpha random; mpk = e(g1, g2)^alpha; msk = alpha
//! KeyGen:   r random; K0 = g2^r; K1 = g1^alpha * H(b)^r; K_y = H(y)^r for each attribute y
//! Encaps:   s, s' random; v = (s, v2, ..., vc) random; lambda = M v;
//!           C0 = g2^s; C0' = g2^s'; C_i = H(b)^lambda_i * H(pi(i))^s'
//!           key = KDF(mpk^s, ciphertext)
//! Decaps:   rows I, coefficients w with sum w_i M_i = (1, 0, ..., 0):
//!           e(K1, C0) * e(prod K_pi(i)^w_i, C0') / e(prod C_i^w_i, K0) = e(g1, g2)^(alpha s)
//! ```
//!
//! `H` is RFC 9380 hash-to-G1 (`BLS12381G1_XMD:SHA-256_SSWU_RO_`) under credkit's own DST, of
//! `0x01 || attribute` for an attribute and of `0x00` for the reserved label `b`: no attribute
//! can hash to `H(b)`, and nobody knows the discrete logarithm of any hashed point (the flaw of
//! `g * Fr(SHA3(attr))` in the `rabe` crate, which lets keys be recombined). Decapsulation is
//! one 3-term multi-Miller loop and one final exponentiation, whatever the policy's size.
//!
//! The KEM key is `HKDF-SHA256(salt = "credkit-abe/fabeo/v1", ikm = compress(e(g1,
//! g2)^(alpha s)), info = SHA-256(ciphertext))`: a ciphertext changed in any byte decapsulates
//! to an unrelated key, so an AEAD keyed with it rejects (SPEC.md §6 on CCA).
//!
//! ```
//! use credkit_abe::fabeo::{decapsulate, encapsulate, setup};
//! use credkit_abe::policy::{Attribute, Policy};
//!
//! let (mpk, msk) = setup(&mut rand_core::OsRng);
//! let policy = Policy::parse("role:cardiologist and hospital:H1")?;
//! let (ciphertext, key) = encapsulate(&mut rand_core::OsRng, &mpk, &policy)?;
//!
//! let attrs = |list: &[&str]| list.iter().map(|a| a.parse::<Attribute>()).collect::<Result<Vec<_>, _>>();
//! let doctor = msk.keygen(&mut rand_core::OsRng, &attrs(&["role:cardiologist", "hospital:H1"])?)?;
//! assert_eq!(decapsulate(&doctor, &ciphertext)?, key);
//!
//! let nurse = msk.keygen(&mut rand_core::OsRng, &attrs(&["role:nurse", "hospital:H1"])?)?;
//! assert!(decapsulate(&nurse, &ciphertext).is_err());
//! # Ok::<(), credkit_abe::Error>(())
//! ```

mod gt;

use core::fmt;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock, RwLock};

use blstrs::{Compress, Fp12, G1Affine, G1Projective, G2Affine, G2Projective, Gt, Scalar};
use credkit_core::encoding::{
    g1_from_bytes, g1_to_bytes, g2_from_bytes, g2_to_bytes, nonzero_scalar_from_bytes,
    scalar_to_bytes, G1_LEN, G2_LEN, SCALAR_LEN,
};
use credkit_core::hash_to_curve::hash_to_g1_xmd_sha256;
use credkit_core::msm::{ct_multi_exp, vartime_multi_exp};
use credkit_core::SecretScalar;
use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use self::gt::GtTable;
use crate::policy::{Attribute, Policy};
use crate::Error;

/// The DST of `H`: credkit's own, so that no other protocol's hashes are ours.
pub const HASH_DST: &[u8] = b"CREDKIT-ABE-V01-CS01-with-BLS12381G1_XMD:SHA-256_SSWU_RO_";

/// The most attributes one user key may hold.
pub const MAX_KEY_ATTRIBUTES: usize = 1024;

/// Encoded length of a master public key: a compressed GT element.
pub const MASTER_PUBLIC_KEY_LEN: usize = 288;

/// Format version of user keys and ciphertexts.
const VERSION: u8 = 1;

/// `H(y)` for an attribute: hash-to-G1 of `0x01 || canonical bytes`.
///
/// Results are cached for the life of the process (up to [`HASH_CACHE_ENTRIES`] attributes):
/// an authority's and a hospital's attribute universes are small and stable, and the hash is
/// a public function of public names, so the cache holds nothing secret.
pub fn hash_attribute(attribute: &Attribute) -> G1Projective {
    static CACHE: OnceLock<RwLock<HashMap<Vec<u8>, G1Projective>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| RwLock::new(HashMap::new()));
    let mut input = vec![0x01];
    input.extend_from_slice(&attribute.to_bytes());
    if let Some(p) = cache
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(&input)
    {
        return *p;
    }
    let p = hash_to_g1_xmd_sha256(&input, HASH_DST);
    let mut cache = cache
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if cache.len() < HASH_CACHE_ENTRIES {
        cache.insert(input, p);
    }
    p
}

/// The most attribute hashes [`hash_attribute`] keeps (about 10 MiB at most).
pub const HASH_CACHE_ENTRIES: usize = 65_536;

/// `H(b)`: hash-to-G1 of the single byte `0x00`, which no attribute's input can equal.
fn hash_reserved() -> G1Projective {
    static HB: OnceLock<G1Projective> = OnceLock::new();
    *HB.get_or_init(|| hash_to_g1_xmd_sha256(&[0x00], HASH_DST))
}

/// The master secret key `alpha` of an attribute authority. Zeroized on drop; `Debug` redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterSecretKey {
    alpha: SecretScalar,
}

impl fmt::Debug for MasterSecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterSecretKey(<redacted>)")
    }
}

/// The master public key `e(g1, g2)^alpha`, with its table for constant-time exponentiation
/// computed on first use.
#[derive(Clone)]
pub struct MasterPublicKey {
    h: Gt,
    table: Arc<OnceLock<GtTable>>,
}

impl PartialEq for MasterPublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.h == other.h
    }
}

impl Eq for MasterPublicKey {}

impl fmt::Debug for MasterPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        write!(f, "MasterPublicKey({}..)", hex_prefix(&bytes))
    }
}

fn hex_prefix(bytes: &[u8]) -> String {
    bytes.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `Setup`: a fresh master key pair.
pub fn setup(rng: &mut (impl RngCore + CryptoRng)) -> (MasterPublicKey, MasterSecretKey) {
    let msk = MasterSecretKey {
        alpha: SecretScalar::new(nonzero_random(rng)),
    };
    (msk.public_key(), msk)
}

fn nonzero_random(rng: &mut (impl RngCore + CryptoRng)) -> Scalar {
    loop {
        let s = Scalar::random(&mut *rng);
        if !bool::from(s.is_zero()) {
            return s;
        }
    }
}

impl MasterSecretKey {
    /// The public key `e(g1, g2)^alpha` (computed as `e(g1 * alpha, g2)`, the multiplication in
    /// constant time).
    pub fn public_key(&self) -> MasterPublicKey {
        let g1_alpha = (G1Projective::generator() * self.alpha.expose()).to_affine();
        MasterPublicKey::from_gt(blstrs::pairing(&g1_alpha, &G2Affine::generator()))
    }

    /// The 32-byte big-endian encoding of `alpha`.
    pub fn to_bytes(&self) -> zeroize::Zeroizing<[u8; SCALAR_LEN]> {
        zeroize::Zeroizing::new(scalar_to_bytes(&self.alpha.expose()))
    }

    /// Decodes `alpha`: 32 bytes, nonzero and below `r`.
    ///
    /// # Errors
    /// [`Error::Encoding`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(MasterSecretKey {
            alpha: SecretScalar::new(nonzero_scalar_from_bytes(bytes)?),
        })
    }

    /// `KeyGen(msk, S)`: a user key for the attribute set `attributes`.
    ///
    /// Every multiplication involving `alpha` or `r` is constant time.
    ///
    /// # Errors
    /// [`Error::DuplicateKeyAttribute`]; [`Error::TooManyKeyAttributes`] above
    /// [`MAX_KEY_ATTRIBUTES`].
    pub fn keygen(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        attributes: &[Attribute],
    ) -> Result<UserKey, Error> {
        if attributes.len() > MAX_KEY_ATTRIBUTES {
            return Err(Error::TooManyKeyAttributes(attributes.len()));
        }
        let mut hashed = BTreeMap::new();
        for a in attributes {
            if hashed.insert(a.clone(), hash_attribute(a)).is_some() {
                return Err(Error::DuplicateKeyAttribute(a.to_string()));
            }
        }
        let mut r = nonzero_random(rng);
        // K0 = g2^r; K1 = g1^alpha * H(b)^r; K_y = H(y)^r
        let k0 = (G2Projective::generator() * r).to_affine();
        let k1 = ct_multi_exp(
            &[G1Projective::generator(), hash_reserved()],
            &[self.alpha.expose(), r],
        )?;
        let mut points: Vec<G1Projective> = hashed.values().map(|h| h * r).collect();
        points.push(k1);
        wipe(&mut r);
        let mut affine = vec![G1Affine::identity(); points.len()];
        G1Projective::batch_normalize(&points, &mut affine);
        let k1 = affine.pop().unwrap_or_else(G1Affine::identity);
        Ok(UserKey {
            k0,
            k1,
            attributes: hashed.into_keys().zip(affine).collect(),
        })
    }
}

impl MasterPublicKey {
    fn from_gt(h: Gt) -> Self {
        MasterPublicKey {
            h,
            table: Arc::new(OnceLock::new()),
        }
    }

    /// The compressed GT element (288 bytes, blstrs' torus-based compression).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MASTER_PUBLIC_KEY_LEN);
        // Writing to a Vec cannot fail; `compress` fails only outside the cyclotomic subgroup,
        // where a key built by this module never is.
        let _ = self.h.write_compressed(&mut out);
        out
    }

    /// Decodes a compressed GT element, checking that it is in the order-`r` subgroup and not
    /// the identity.
    ///
    /// # Errors
    /// [`Error::MalformedMasterPublicKey`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != MASTER_PUBLIC_KEY_LEN {
            return Err(Error::MalformedMasterPublicKey("length is not 288 bytes"));
        }
        let h = Gt::read_compressed(bytes)
            .map_err(|_| Error::MalformedMasterPublicKey("not a GT element"))?;
        if bool::from(h.is_identity()) {
            return Err(Error::MalformedMasterPublicKey("the identity"));
        }
        let key = MasterPublicKey::from_gt(h);
        // Canonical: the encoding read is the one written.
        if key.to_bytes() != bytes {
            return Err(Error::MalformedMasterPublicKey("non-canonical encoding"));
        }
        Ok(key)
    }

    fn table(&self) -> &GtTable {
        self.table.get_or_init(|| GtTable::new(&self.h))
    }
}

/// A user key: `K0`, `K1` and one `K_y` per attribute. Secret: zeroized on drop (its points),
/// and `Debug` shows only the attributes.
#[derive(Clone, PartialEq, Eq)]
pub struct UserKey {
    k0: G2Affine,
    k1: G1Affine,
    attributes: BTreeMap<Attribute, G1Affine>,
}

impl Drop for UserKey {
    fn drop(&mut self) {
        self.k0 = G2Affine::identity();
        self.k1 = G1Affine::identity();
        for p in self.attributes.values_mut() {
            *p = G1Affine::identity();
        }
        core::hint::black_box(&self.attributes);
    }
}

impl fmt::Debug for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserKey")
            .field("attributes", &self.attributes.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl UserKey {
    /// The key's attributes, in canonical order.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.attributes.keys()
    }

    /// `0x01 || K0 (96) || K1 (48) || u16 count || (u16 len || attribute || K_y (48))...`, the
    /// attributes canonical and strictly ascending. In a buffer zeroized on drop.
    pub fn to_bytes(&self) -> zeroize::Zeroizing<Vec<u8>> {
        let mut out = zeroize::Zeroizing::new(Vec::new());
        out.push(VERSION);
        out.extend_from_slice(&g2_to_bytes(&self.k0));
        out.extend_from_slice(&g1_to_bytes(&self.k1));
        out.extend_from_slice(&(self.attributes.len() as u16).to_be_bytes());
        for (a, p) in &self.attributes {
            let text = a.to_bytes();
            out.extend_from_slice(&(text.len() as u16).to_be_bytes());
            out.extend_from_slice(&text);
            out.extend_from_slice(&g1_to_bytes(p));
        }
        out
    }

    /// Decodes [`UserKey::to_bytes`], checking every point (on the curve, in the subgroup, not
    /// the identity), every attribute (canonical, strictly ascending) and the exact length.
    ///
    /// # Errors
    /// [`Error::MalformedUserKey`], [`Error::Encoding`], [`Error::Policy`] for an attribute
    /// that does not parse.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Error::MalformedUserKey);
        if r.take(1)? != [VERSION] {
            return Err(Error::MalformedUserKey("unknown version"));
        }
        let k0 = g2_from_bytes(r.take(G2_LEN)?)?;
        let k1 = g1_from_bytes(r.take(G1_LEN)?)?;
        let count = usize::from(r.u16()?);
        if count > MAX_KEY_ATTRIBUTES {
            return Err(Error::TooManyKeyAttributes(count));
        }
        let mut attributes = BTreeMap::new();
        let mut last: Option<Attribute> = None;
        for _ in 0..count {
            let len = usize::from(r.u16()?);
            let text = core::str::from_utf8(r.take(len)?)
                .map_err(|_| Error::MalformedUserKey("attribute is not UTF-8"))?;
            let attribute: Attribute = text.parse()?;
            if attribute.to_bytes() != text.as_bytes() {
                return Err(Error::MalformedUserKey("attribute not in canonical form"));
            }
            if last.as_ref().is_some_and(|l| *l >= attribute) {
                return Err(Error::MalformedUserKey("attributes not strictly ascending"));
            }
            let point = g1_from_bytes(r.take(G1_LEN)?)?;
            last = Some(attribute.clone());
            attributes.insert(attribute, point);
        }
        r.finish()?;
        Ok(UserKey { k0, k1, attributes })
    }
}

/// An encapsulation: the policy, `C0 = g2^s`, `C0' = g2^s'` and one `C_i` per policy leaf.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ciphertext {
    policy: Policy,
    c0: G2Affine,
    c0_prime: G2Affine,
    c: Vec<G1Affine>,
}

impl Ciphertext {
    /// The policy a key must satisfy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// `0x01 || u32 len || policy (canonical UTF-8) || C0 (96) || C0' (96) || u16 n || C_i
    /// (48 each, leaf order)`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let policy = self.policy.to_string();
        let mut out =
            Vec::with_capacity(1 + 4 + policy.len() + 2 * G2_LEN + 2 + self.c.len() * G1_LEN);
        out.push(VERSION);
        out.extend_from_slice(&(policy.len() as u32).to_be_bytes());
        out.extend_from_slice(policy.as_bytes());
        out.extend_from_slice(&g2_to_bytes(&self.c0));
        out.extend_from_slice(&g2_to_bytes(&self.c0_prime));
        out.extend_from_slice(&(self.c.len() as u16).to_be_bytes());
        for p in &self.c {
            out.extend_from_slice(&g1_to_bytes(p));
        }
        out
    }

    /// Decodes [`Ciphertext::to_bytes`]: the policy must parse and be in canonical form, there
    /// must be one `C_i` per leaf, and every point must be valid and not the identity.
    ///
    /// # Errors
    /// [`Error::MalformedCiphertext`], [`Error::Policy`], [`Error::Encoding`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes, Error::MalformedCiphertext);
        if r.take(1)? != [VERSION] {
            return Err(Error::MalformedCiphertext("unknown version"));
        }
        let len = r.u32()? as usize;
        let text = core::str::from_utf8(r.take(len)?)
            .map_err(|_| Error::MalformedCiphertext("policy is not UTF-8"))?;
        let policy = Policy::parse(text)?;
        if policy.to_string() != text {
            return Err(Error::MalformedCiphertext("policy not in canonical form"));
        }
        let c0 = g2_from_bytes(r.take(G2_LEN)?)?;
        let c0_prime = g2_from_bytes(r.take(G2_LEN)?)?;
        let n = usize::from(r.u16()?);
        if n != policy.leaves().len() {
            return Err(Error::MalformedCiphertext("not one C_i per policy leaf"));
        }
        let c = (0..n)
            .map(|_| Ok(g1_from_bytes(r.take(G1_LEN)?)?))
            .collect::<Result<Vec<_>, Error>>()?;
        r.finish()?;
        Ok(Ciphertext {
            policy,
            c0,
            c0_prime,
            c,
        })
    }
}

/// A 32-byte KEM key, zeroized on drop; compared in constant time; `Debug` redacted.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SharedKey([u8; 32]);

impl SharedKey {
    /// The key bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl PartialEq for SharedKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&other.0).into()
    }
}

impl Eq for SharedKey {}

impl fmt::Debug for SharedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedKey(<redacted>)")
    }
}

/// The KEM key from the GT element and the ciphertext's encoding.
fn derive_key(k: &Gt, ciphertext: &[u8]) -> SharedKey {
    let mut ikm = zeroize::Zeroizing::new(Vec::with_capacity(MASTER_PUBLIC_KEY_LEN));
    let _ = k.write_compressed(&mut *ikm);
    let digest = Sha256::digest(ciphertext);
    let hk = Hkdf::<Sha256>::new(Some(b"credkit-abe/fabeo/v1"), &ikm);
    let mut out = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit of 8160.
    let _ = hk.expand(&digest, &mut out);
    SharedKey(out)
}

/// `Encaps(mpk, policy)`: a ciphertext under `policy` and the key it encapsulates.
///
/// Every multiplication by `s`, `s'` or a share `lambda_i` is constant time (blst's for single
/// points, [`GtTable`] in GT).
///
/// # Errors
/// [`Error::Encoding`] only on an internal length mismatch (a bug).
pub fn encapsulate(
    rng: &mut (impl RngCore + CryptoRng),
    mpk: &MasterPublicKey,
    policy: &Policy,
) -> Result<(Ciphertext, SharedKey), Error> {
    let lsss = policy.lsss();
    let mut s = nonzero_random(rng);
    let mut s_prime = nonzero_random(rng);
    // v = (s, v2, ..., vc); lambda = M v
    let mut v: Vec<Scalar> = core::iter::once(s)
        .chain((1..lsss.columns()).map(|_| Scalar::random(&mut *rng)))
        .collect();
    let mut lambdas = lsss
        .shares(&v)
        .ok_or(Error::MalformedCiphertext("LSSS width mismatch"))?;
    let hb = hash_reserved();
    let mut c = Vec::with_capacity(lambdas.len());
    for (row, lambda) in lsss.rows().iter().zip(&lambdas) {
        // C_i = H(b)^lambda_i * H(pi(i))^s'
        c.push(ct_multi_exp(
            &[hb, hash_attribute(row.attribute())],
            &[*lambda, s_prime],
        )?);
    }
    lambdas.iter_mut().for_each(wipe);
    let mut c_affine = vec![G1Affine::identity(); c.len()];
    G1Projective::batch_normalize(&c, &mut c_affine);
    let ciphertext = Ciphertext {
        policy: policy.clone(),
        c0: (G2Projective::generator() * s).to_affine(),
        c0_prime: (G2Projective::generator() * s_prime).to_affine(),
        c: c_affine,
    };
    let k = mpk.table().pow(&s);
    let key = derive_key(&k, &ciphertext.to_bytes());
    wipe(&mut s);
    wipe(&mut s_prime);
    v.iter_mut().for_each(wipe);
    Ok((ciphertext, key))
}

/// `Decaps(key, ciphertext)`: the encapsulated key, if the key's attributes satisfy the policy.
///
/// One 3-term multi-Miller loop and one final exponentiation, whatever the policy.
///
/// # Errors
/// [`Error::PolicyNotSatisfied`].
pub fn decapsulate(key: &UserKey, ciphertext: &Ciphertext) -> Result<SharedKey, Error> {
    let rows = ciphertext
        .policy
        .satisfy(|a| key.attributes.contains_key(a))
        .ok_or(Error::PolicyNotSatisfied)?;
    let leaves = ciphertext.policy.leaves();
    // A = sum w_i K_pi(i); B = sum w_i C_i. The coefficients are public (they depend only on
    // the policy and on which attributes the key has).
    let mut k_points = Vec::with_capacity(rows.len());
    let mut c_points = Vec::with_capacity(rows.len());
    let mut weights = Vec::with_capacity(rows.len());
    for (row, w) in &rows {
        let attribute = &leaves[*row];
        let k = key
            .attributes
            .get(attribute)
            .ok_or(Error::PolicyNotSatisfied)?;
        k_points.push(*k);
        c_points.push(ciphertext.c[*row]);
        weights.push(*w);
    }
    let (a, b) = if weights.iter().all(|w| *w == Scalar::ONE) {
        // And/or policies: sums, with mixed (projective + affine) additions.
        let sum = |points: &[G1Affine]| {
            points
                .iter()
                .fold(G1Projective::identity(), |acc, p| acc + p)
        };
        (sum(&k_points), sum(&c_points))
    } else {
        let k_points: Vec<G1Projective> = k_points.iter().map(G1Projective::from).collect();
        let c_points: Vec<G1Projective> = c_points.iter().map(G1Projective::from).collect();
        (
            vartime_multi_exp(&k_points, &weights)?,
            vartime_multi_exp(&c_points, &weights)?,
        )
    };
    let mut g1 = [G1Affine::identity(); 2];
    G1Projective::batch_normalize(&[a, -b], &mut g1);
    // e(K1, C0) * e(A, C0') * e(-B, K0): blst's multi-Miller loop on affine points (it
    // computes the G2 lines as it goes, cheaper than preparing them first), then one final
    // exponentiation.
    let ps = [*key.k1.as_ref(), *g1[0].as_ref(), *g1[1].as_ref()];
    let qs = [
        *ciphertext.c0.as_ref(),
        *ciphertext.c0_prime.as_ref(),
        *key.k0.as_ref(),
    ];
    let gt = Gt::from(Fp12::from(
        blst::blst_fp12::miller_loop_n(&qs, &ps).final_exp(),
    ));
    Ok(derive_key(&gt, &ciphertext.to_bytes()))
}

/// Overwrites a secret scalar once it is no longer needed (best effort: `Scalar` has no
/// `Zeroize`, and copies may remain in registers).
fn wipe(s: &mut Scalar) {
    *s = Scalar::ZERO;
    core::hint::black_box(s);
}

/// A bounds-checked reader over an encoding.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    error: fn(&'static str) -> Error,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8], error: fn(&'static str) -> Error) -> Self {
        Reader {
            bytes,
            at: 0,
            error,
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
            .ok_or((self.error)("truncated"))?;
        let out = &self.bytes[self.at..end];
        self.at = end;
        Ok(out)
    }

    fn u16(&mut self) -> Result<u16, Error> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }

    fn u32(&mut self) -> Result<u32, Error> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn finish(self) -> Result<(), Error> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err((self.error)("trailing bytes"))
        }
    }
}
