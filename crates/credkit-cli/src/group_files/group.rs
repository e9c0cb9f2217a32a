//! `threshold-group`: a group's public key, `group.json`.

use credkit_core::encoding::{g1_from_bytes, g1_from_bytes_allow_identity, g1_to_bytes};
use credkit_threshold::bls::Signature;
use credkit_threshold::upload::GroupId;
use credkit_threshold::{Commitments, GroupKey, PublicKeyPackage};
use serde::{Deserialize, Serialize};

use super::{
    check_header, header, hex, identifier, in_field, nullable, objects, parse, render, unhex,
    DocumentType, FormatError,
};

/// A group's public key, as `group.json` holds it: the threshold, the Feldman commitments
/// (whose first point is the group public key), every member's verifying share, and the
/// proof of possession of the group secret, once there is one.
///
/// A dealt group has its proof of possession from the start; a group made by a key
/// generation gets it when `min_signers` members have signed shares of it (`credkit group
/// pop`): until then `proof_of_possession` is `null`, and only `group pop combine` takes the
/// file.
///
/// ```json
/// {
///   "version": 1,
///   "type": "threshold-group",
///   "min_signers": 2,
///   "max_signers": 3,
///   "public_key": "<96 hex: compressed G1 point>",
///   "commitments": ["<96 hex>", "<96 hex>"],
///   "verifying_shares": [
///     { "identifier": 1, "verifying_share": "<96 hex>" },
///     { "identifier": 2, "verifying_share": "<96 hex>" },
///     { "identifier": 3, "verifying_share": "<96 hex>" }
///   ],
///   "proof_of_possession": "<192 hex: compressed G2 point>"
/// }
/// ```
///
/// Read back, it must agree with itself: `public_key` is `commitments[0]`, there are
/// `min_signers` commitments, `max_signers` members, each verifying share is the one the
/// commitments give its member, and the proof of possession verifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    package: PublicKeyPackage,
    proof_of_possession: Option<Signature>,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    min_signers: u16,
    max_signers: u16,
    public_key: String,
    commitments: Vec<String>,
    #[serde(deserialize_with = "objects")]
    verifying_shares: Vec<VerifyingShareEntry>,
    #[serde(deserialize_with = "nullable")]
    proof_of_possession: Option<String>,
}

/// `{"identifier", "verifying_share"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyingShareEntry {
    identifier: u16,
    verifying_share: String,
}

impl Group {
    /// The group of a dealt (or completed) group key.
    pub fn from_group_key(group_key: &GroupKey) -> Self {
        Group {
            package: group_key.package().clone(),
            proof_of_possession: Some(group_key.proof_of_possession().clone()),
        }
    }

    /// A group without its proof of possession yet, as a key generation ends.
    pub fn without_proof_of_possession(package: PublicKeyPackage) -> Self {
        Group {
            package,
            proof_of_possession: None,
        }
    }

    /// The public key package: threshold, commitments, verifying shares.
    pub fn package(&self) -> &PublicKeyPackage {
        &self.package
    }

    /// The proof of possession, once there is one (it verified when the file was read).
    pub fn proof_of_possession(&self) -> Option<&Signature> {
        self.proof_of_possession.as_ref()
    }

    /// The group key, when there is a proof of possession.
    pub fn group_key(&self) -> Option<GroupKey> {
        let proof = self.proof_of_possession.clone()?;
        GroupKey::new(self.package.clone(), proof).ok()
    }

    /// The id upload envelopes carry: the SHA-256 of the compressed group public key.
    pub fn group_id(&self) -> GroupId {
        GroupId::from_public_key(self.package.group_public_key())
    }

    /// The document (see the type's documentation).
    pub fn to_json(&self) -> String {
        let (version, kind) = header(DocumentType::Group);
        render(&GroupDocument {
            version,
            kind,
            min_signers: self.package.min_signers(),
            max_signers: self.package.max_signers(),
            public_key: hex(&self.package.group_public_key().to_bytes()),
            commitments: self
                .package
                .commitments()
                .points()
                .iter()
                .map(|p| hex(&g1_to_bytes(p)))
                .collect(),
            verifying_shares: self
                .package
                .verifying_shares()
                .iter()
                .map(|share| VerifyingShareEntry {
                    identifier: share.identifier().get(),
                    verifying_share: hex(&g1_to_bytes(share.point())),
                })
                .collect(),
            proof_of_possession: self
                .proof_of_possession
                .as_ref()
                .map(|p| hex(&p.to_bytes())),
        })
    }

    /// Reads a `threshold-group` document and checks it against itself (see the type's
    /// documentation). Members may be listed in any order.
    ///
    /// # Errors
    /// Every [`FormatError`] but [`FormatError::TaskId`].
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: GroupDocument = parse(json, DocumentType::Group)?;
        check_header(doc.version, &doc.kind, DocumentType::Group)?;
        let public_key = g1_from_bytes(&unhex::<48>(&doc.public_key, "public_key")?)
            .map_err(in_field("public_key"))?;
        let mut points = Vec::with_capacity(doc.commitments.len());
        for (k, text) in doc.commitments.iter().enumerate() {
            let bytes = unhex::<48>(text, "commitments")?;
            // C_0 is the group key; the others may be the identity (a zero coefficient).
            let point = if k == 0 {
                g1_from_bytes(&bytes)
            } else {
                g1_from_bytes_allow_identity(&bytes)
            };
            points.push(point.map_err(in_field("commitments"))?);
        }
        if points.first() != Some(&public_key) {
            return Err(FormatError::Inconsistent("public_key"));
        }
        let mut members = Vec::with_capacity(doc.verifying_shares.len());
        let mut shares = Vec::with_capacity(doc.verifying_shares.len());
        for entry in &doc.verifying_shares {
            let id = identifier(entry.identifier, "verifying_shares.identifier")?;
            if members.contains(&id) {
                return Err(FormatError::DuplicateMember {
                    field: "verifying_shares",
                    identifier: id.get(),
                });
            }
            let bytes = unhex::<48>(&entry.verifying_share, "verifying_shares.verifying_share")?;
            let point = g1_from_bytes_allow_identity(&bytes)
                .map_err(in_field("verifying_shares.verifying_share"))?;
            members.push(id);
            shares.push((id, point));
        }
        if usize::from(doc.max_signers) != members.len() {
            return Err(FormatError::Inconsistent("max_signers"));
        }
        if doc.min_signers < 2 || doc.min_signers > doc.max_signers {
            return Err(FormatError::InvalidMinSigners {
                min_signers: doc.min_signers,
                max_signers: doc.max_signers,
            });
        }
        if points.len() != usize::from(doc.min_signers) {
            return Err(FormatError::Inconsistent("commitments"));
        }
        // Invariant: `points` is not empty and its first point is not the identity.
        let commitments =
            Commitments::new(points).map_err(|_| FormatError::Inconsistent("commitments"))?;
        // Invariant: the members are distinct and their number is within the threshold's.
        let package = PublicKeyPackage::new(doc.min_signers, commitments, &members)
            .map_err(|_| FormatError::Inconsistent("verifying_shares"))?;
        let agree = shares.iter().all(|(id, point)| {
            package
                .verifying_share(*id)
                .is_some_and(|share| share.point() == point)
        });
        if !agree {
            return Err(FormatError::Inconsistent("verifying_shares"));
        }
        let proof_of_possession = match &doc.proof_of_possession {
            None => None,
            Some(text) => {
                let bytes = unhex::<96>(text, "proof_of_possession")?;
                let proof = Signature::from_bytes(&bytes).map_err(|error| FormatError::Field {
                    field: "proof_of_possession",
                    error,
                })?;
                package
                    .group_public_key()
                    .verify_proof_of_possession(&proof)
                    .map_err(|_| FormatError::InvalidProofOfPossession)?;
                Some(proof)
            }
        };
        Ok(Group {
            package,
            proof_of_possession,
        })
    }
}

#[cfg(test)]
mod tests {
    use credkit_threshold::dealer;
    use rand_core::OsRng;

    use super::*;

    #[test]
    fn round_trips_with_and_without_a_proof() -> Result<(), Box<dyn std::error::Error>> {
        let (group_key, _) = dealer::deal(&mut OsRng, 2, 3)?;
        let group = Group::from_group_key(&group_key);
        let json = group.to_json();
        assert_eq!(Group::from_json(&json)?, group);
        assert_eq!(Group::from_json(&json)?.to_json(), json);
        assert_eq!(group.group_key().as_ref(), Some(&group_key));

        let pending = Group::without_proof_of_possession(group_key.package().clone());
        let json = pending.to_json();
        assert!(json.contains("\"proof_of_possession\": null"));
        assert_eq!(Group::from_json(&json)?, pending);
        assert_eq!(pending.group_key(), None);
        Ok(())
    }

    #[test]
    fn refuses_what_does_not_agree() -> Result<(), Box<dyn std::error::Error>> {
        let (group_key, _) = dealer::deal(&mut OsRng, 2, 3)?;
        let (other, _) = dealer::deal(&mut OsRng, 2, 3)?;
        let json = Group::from_group_key(&group_key).to_json();
        let other_json = Group::from_group_key(&other).to_json();
        let pop = |json: &str| {
            json.lines()
                .find_map(|l| l.trim().strip_prefix("\"proof_of_possession\": \""))
                .map(|p| p.trim_end_matches('"').to_owned())
                .unwrap_or_default()
        };
        let swapped = json.replace(&pop(&json), &pop(&other_json));
        assert_eq!(
            Group::from_json(&swapped),
            Err(FormatError::InvalidProofOfPossession)
        );
        let dropped = json.replace("\"min_signers\": 2", "\"min_signers\": 3");
        assert_eq!(
            Group::from_json(&dropped),
            Err(FormatError::Inconsistent("commitments"))
        );
        let missing = json.replace(",\n  \"proof_of_possession\": ", ",\n  \"x\": ");
        assert!(matches!(
            Group::from_json(&missing),
            Err(FormatError::Json(_))
        ));
        let array = "[1, \"threshold-group\"]";
        assert!(matches!(Group::from_json(array), Err(FormatError::Json(_))));
        Ok(())
    }
}
