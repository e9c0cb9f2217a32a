//! `member-key`: a member's secret share of the group key, `member-<i>.key`.

use core::fmt;

use credkit_core::encoding::{
    g1_from_bytes, g1_from_bytes_allow_identity, g1_to_bytes, scalar_from_bytes, scalar_to_bytes,
    SCALAR_LEN,
};
use credkit_threshold::bls::PublicKey;
use credkit_threshold::upload::GroupId;
use credkit_threshold::SigningShare;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{
    check_header, header, hex, identifier, in_field, parse, render_secret, unhex, unhex_into,
    DocumentType, FormatError,
};

/// A member's key: its secret share `s_i` and what it needs to sign for its group without
/// `group.json` (the group public key, for the group id and the proof of possession).
///
/// **Secret.** The CLI writes it with mode 0600, never to standard output; `Debug` shows no
/// secret and the share is wiped on drop.
///
/// ```json
/// {
///   "version": 1,
///   "type": "member-key",
///   "identifier": 2,
///   "min_signers": 3,
///   "max_signers": 5,
///   "public_key": "<96 hex: the group public key, compressed G1>",
///   "verifying_share": "<96 hex: s_i * P1, compressed G1>",
///   "signing_share": "<64 hex: s_i, big-endian>"
/// }
/// ```
///
/// Read back, `verifying_share` must be the signing share's public half, and `min_signers`
/// within `2..=max_signers`.
#[derive(Clone, PartialEq, Eq)]
pub struct MemberKey {
    share: SigningShare,
    group_public_key: PublicKey,
    min_signers: u16,
    max_signers: u16,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberKeyDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    identifier: u16,
    min_signers: u16,
    max_signers: u16,
    public_key: String,
    verifying_share: String,
    signing_share: Zeroizing<String>,
}

impl MemberKey {
    /// A member's key from its parts.
    ///
    /// # Errors
    /// [`FormatError::InvalidMinSigners`] unless `2 <= min_signers <= max_signers`.
    pub fn new(
        share: SigningShare,
        group_public_key: PublicKey,
        min_signers: u16,
        max_signers: u16,
    ) -> Result<Self, FormatError> {
        if min_signers < 2 || min_signers > max_signers {
            return Err(FormatError::InvalidMinSigners {
                min_signers,
                max_signers,
            });
        }
        Ok(MemberKey {
            share,
            group_public_key,
            min_signers,
            max_signers,
        })
    }

    /// The secret share.
    pub fn share(&self) -> &SigningShare {
        &self.share
    }

    /// The group public key.
    pub fn group_public_key(&self) -> &PublicKey {
        &self.group_public_key
    }

    /// The id of the group.
    pub fn group_id(&self) -> GroupId {
        GroupId::from_public_key(&self.group_public_key)
    }

    /// The threshold.
    pub fn min_signers(&self) -> u16 {
        self.min_signers
    }

    /// The number of members.
    pub fn max_signers(&self) -> u16 {
        self.max_signers
    }

    /// The document (see the type's documentation), in a buffer wiped on drop.
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = header(DocumentType::MemberKey);
        let secret = Zeroizing::new(scalar_to_bytes(&self.share.secret().expose()));
        render_secret(&MemberKeyDocument {
            version,
            kind,
            identifier: self.share.identifier().get(),
            min_signers: self.min_signers,
            max_signers: self.max_signers,
            public_key: hex(&self.group_public_key.to_bytes()),
            verifying_share: hex(&g1_to_bytes(self.share.verifying_share().point())),
            signing_share: Zeroizing::new(hex(&secret[..])),
        })
    }

    /// Reads a `member-key` document, checking that the verifying share belongs to the
    /// signing share.
    ///
    /// # Errors
    /// Every [`FormatError`] but [`FormatError::TaskId`], [`FormatError::DuplicateMember`]
    /// and [`FormatError::InvalidProofOfPossession`].
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: MemberKeyDocument = parse(json, DocumentType::MemberKey)?;
        check_header(doc.version, &doc.kind, DocumentType::MemberKey)?;
        let id = identifier(doc.identifier, "identifier")?;
        let group_public_key = g1_from_bytes(&unhex::<48>(&doc.public_key, "public_key")?)
            .map(PublicKey::from_point)
            .map_err(in_field("public_key"))?;
        let verifying_share =
            g1_from_bytes_allow_identity(&unhex::<48>(&doc.verifying_share, "verifying_share")?)
                .map_err(in_field("verifying_share"))?;
        let mut bytes = Zeroizing::new([0u8; SCALAR_LEN]);
        unhex_into(&doc.signing_share, &mut bytes[..], "signing_share")?;
        let secret = scalar_from_bytes(&bytes[..]).map_err(in_field("signing_share"))?;
        let share = SigningShare::new(id, secret);
        if share.verifying_share().point() != &verifying_share {
            return Err(FormatError::Inconsistent("verifying_share"));
        }
        MemberKey::new(share, group_public_key, doc.min_signers, doc.max_signers)
    }
}

impl fmt::Debug for MemberKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemberKey")
            .field("identifier", &self.share.identifier())
            .field("min_signers", &self.min_signers)
            .field("max_signers", &self.max_signers)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use credkit_threshold::dealer;
    use rand_core::OsRng;

    use super::*;

    #[test]
    fn round_trips_and_checks_the_verifying_share() -> Result<(), Box<dyn std::error::Error>> {
        let (group_key, shares) = dealer::deal(&mut OsRng, 2, 3)?;
        let keys = shares
            .iter()
            .map(|s| MemberKey::new(s.clone(), group_key.public_key().clone(), 2, 3))
            .collect::<Result<Vec<_>, _>>()?;
        let json = keys[0].to_json();
        assert_eq!(MemberKey::from_json(&json)?, keys[0]);
        assert_eq!(*MemberKey::from_json(&json)?.to_json(), *json);
        assert!(!format!("{:?}", keys[0]).contains("signing"));

        let theirs = keys[1].to_json();
        let share_of = |json: &str| {
            json.lines()
                .find_map(|l| l.trim().strip_prefix("\"signing_share\": \""))
                .map(|s| s.trim_end_matches('"').to_owned())
                .unwrap_or_default()
        };
        let swapped = json.replace(&share_of(&json), &share_of(&theirs));
        assert_eq!(
            MemberKey::from_json(&swapped),
            Err(FormatError::Inconsistent("verifying_share"))
        );
        let upper = json.replace(&share_of(&json), &share_of(&json).to_uppercase());
        assert_eq!(
            MemberKey::from_json(&upper),
            Err(FormatError::Hex("signing_share"))
        );
        Ok(())
    }
}
