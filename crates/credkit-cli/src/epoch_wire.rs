//! The HTTP protocol of an epoch key server (`credkit epoch serve`, SPEC.md §6.3), shared by
//! the server and its clients so that neither can drift from the other: the paths, the JSON
//! bodies, the error names, and the `servers.json` document `credkit epoch init` writes.
//!
//! Every body is JSON (`application/json`). Byte strings are base64url without padding,
//! canonical ([`b64`], [`unb64`]); each holds one of credkit-abe's encodings
//! (`Schedule::to_bytes`, `PartialRequest::to_bytes`, ...).
//!
//! | method and path | request body | answer (200) |
//! | --- | --- | --- |
//! | `GET /v1/schedule` | | [`ScheduleBody`] |
//! | `GET /v1/status` | | [`StatusBody`] |
//! | `POST /v1/partial` | [`RequestBody`] (`PartialRequest`) | [`PartialBody`] |
//! | `POST /v1/records` | [`RequestBody`] (`StoreRequest`) | [`StoredBody`] |
//! | `POST /v1/shred` | [`RequestBody`] (`ShredRequest`) | [`StatementBody`] |
//! | `GET /v1/deletions` | | [`DeletionsBody`] |
//!
//! Errors carry an [`ErrorBody`]: 422 for a refusal of the key server (`error` is
//! [`server_error_name`], `code` is `ServerError::code`), 400 `malformed-request`, 413
//! `too-large` (a body over [`MAX_BODY`] bytes), 404 `not-found`, 405 `method-not-allowed`,
//! 500 `storage` (the state directory could not be written: nothing was answered) or
//! `internal`.

use credkit_abe::epoch::ServerError;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::abe_files::base64url;

/// `GET`: the signed schedule.
pub const SCHEDULE_PATH: &str = "/v1/schedule";
/// `GET`: the server's identifier, clock and counts.
pub const STATUS_PATH: &str = "/v1/status";
/// `POST`: a partial decryption.
pub const PARTIAL_PATH: &str = "/v1/partial";
/// `POST`: store a record's shred share.
pub const RECORDS_PATH: &str = "/v1/records";
/// `POST`: shred a record early.
pub const SHRED_PATH: &str = "/v1/shred";
/// `GET`: every deletion statement, oldest first.
pub const DELETIONS_PATH: &str = "/v1/deletions";

/// The largest request body a server reads, in bytes (64 KiB); a larger one gets 413.
pub const MAX_BODY: usize = 64 * 1024;

/// `error` of a 400: the JSON, its base64url or the encoding inside does not decode.
pub const MALFORMED_REQUEST: &str = "malformed-request";
/// `error` of a 413: the body is over [`MAX_BODY`].
pub const TOO_LARGE: &str = "too-large";
/// `error` of a 404.
pub const NOT_FOUND: &str = "not-found";
/// `error` of a 405.
pub const METHOD_NOT_ALLOWED: &str = "method-not-allowed";
/// `error` of a 500: the state directory could not be written or reopened.
pub const STORAGE: &str = "storage";
/// `error` of a 500: anything else (the clock could not be read).
pub const INTERNAL: &str = "internal";

/// `type` of the servers document.
pub const SERVERS_TYPE: &str = "epoch-servers";
/// `version` of the servers document.
pub const SERVERS_VERSION: u64 = 1;

/// base64url without padding of `bytes`.
pub fn b64(bytes: &[u8]) -> String {
    base64url::encode(bytes)
}

/// The bytes of canonical base64url without padding, in a buffer wiped on drop; `None`
/// otherwise.
pub fn unb64(text: &str) -> Option<Zeroizing<Vec<u8>>> {
    base64url::decode(text)
}

/// The answer to `GET /v1/schedule`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleBody {
    /// b64(`Schedule::to_bytes`).
    pub schedule: String,
}

/// The answer to `GET /v1/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    /// The server's identifier (1 to N).
    pub identifier: u16,
    /// The server's current epoch.
    pub now: u64,
    /// How many node shares it holds.
    pub nodes: u64,
    /// How many record shares it holds.
    pub records: u64,
}

/// The body of `POST /v1/partial`, `/v1/records` and `/v1/shred`: b64 of a
/// `PartialRequest`, `StoreRequest` or `ShredRequest`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// b64(`*Request::to_bytes`).
    pub request: String,
}

/// The answer to `POST /v1/partial`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialBody {
    /// b64(`PartialResponse::to_bytes`): holds the server's share of the record's shred
    /// secret.
    pub response: String,
}

/// The answer to `POST /v1/records`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredBody {
    /// Always `true`: the share is stored and persisted.
    pub stored: bool,
}

/// The answer to `POST /v1/shred`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementBody {
    /// b64(`DeletionStatement::to_bytes`).
    pub statement: String,
}

/// The answer to `GET /v1/deletions`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletionsBody {
    /// b64(`DeletionStatement::to_bytes`) of every statement, oldest first.
    pub statements: Vec<String>,
}

/// The body of every answer other than 200.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorBody {
    /// A kebab-case name: [`server_error_name`] for a 422, else one of the constants of this
    /// module.
    pub error: String,
    /// For a 422 only: `ServerError::code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u8>,
    /// A human-readable sentence (never a secret).
    pub message: String,
}

impl ErrorBody {
    /// The key server's refusal, if this is one (a known code).
    pub fn server_error(&self) -> Option<ServerError> {
        self.code.and_then(ServerError::from_code)
    }
}

/// The kebab-case name of a key server's refusal: `node-not-yet-valid`, ...
pub fn server_error_name(error: ServerError) -> &'static str {
    match error {
        ServerError::UnknownSchedule => "unknown-schedule",
        ServerError::UnknownNode => "unknown-node",
        ServerError::NodeNotYetValid => "node-not-yet-valid",
        ServerError::NodeExpired => "node-expired",
        ServerError::UnknownRecord => "unknown-record",
        ServerError::RecordShredded => "record-shredded",
        ServerError::RecordExists => "record-exists",
        ServerError::WindowMismatch => "window-mismatch",
        ServerError::WindowOutsideHorizon => "window-outside-horizon",
        ServerError::WindowEnded => "window-ended",
        ServerError::InvalidRecordShare => "invalid-record-share",
        ServerError::WrongServer => "wrong-server",
        ServerError::Unauthorized => "unauthorized",
        ServerError::MalformedRequest => "malformed-request",
        ServerError::RecordMismatch => "record-mismatch",
        _ => "refused",
    }
}

/// One server of `servers.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerEntry {
    /// Its identifier in the schedule (1 to N).
    pub id: u16,
    /// Its base URL, without a trailing slash: `http://127.0.0.1:7801`.
    pub url: String,
}

/// `servers.json`: what a client needs to reach the key servers and check their answers.
///
/// ```json
/// {"version": 1, "type": "epoch-servers", "schedule": "<b64>",
///  "servers": [{"id": 1, "url": "http://127.0.0.1:7801"}, ...]}
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServersFile {
    /// [`SERVERS_VERSION`].
    pub version: u64,
    /// [`SERVERS_TYPE`].
    #[serde(rename = "type")]
    pub kind: String,
    /// b64(`Schedule::to_bytes`), signed by every server.
    pub schedule: String,
    /// The servers, by increasing id.
    pub servers: Vec<ServerEntry>,
}

impl ServersFile {
    /// A document for `schedule` (its encoding) and `servers`.
    pub fn new(schedule: &[u8], servers: Vec<ServerEntry>) -> Self {
        ServersFile {
            version: SERVERS_VERSION,
            kind: SERVERS_TYPE.to_owned(),
            schedule: b64(schedule),
            servers,
        }
    }

    /// Parses a document and checks its version, type and schedule encoding (not the
    /// schedule's signatures: `Schedule::from_bytes` on [`ServersFile::schedule_bytes`]
    /// does).
    ///
    /// # Errors
    /// A sentence saying what is wrong.
    pub fn parse(json: &str) -> Result<Self, String> {
        let file: ServersFile =
            serde_json::from_str(json).map_err(|e| format!("not a servers document: {e}"))?;
        if file.version != SERVERS_VERSION || file.kind != SERVERS_TYPE {
            return Err(format!(
                "not a servers document of version {SERVERS_VERSION} (`type` {SERVERS_TYPE:?})"
            ));
        }
        if unb64(&file.schedule).is_none() {
            return Err("field `schedule` is not base64url without padding".to_owned());
        }
        Ok(file)
    }

    /// The schedule's encoding.
    ///
    /// # Errors
    /// A sentence if `schedule` is not canonical base64url.
    pub fn schedule_bytes(&self) -> Result<Vec<u8>, String> {
        unb64(&self.schedule)
            .map(|b| b.to_vec())
            .ok_or_else(|| "field `schedule` is not base64url without padding".to_owned())
    }

    /// The document, pretty-printed, with a final newline.
    pub fn to_json(&self) -> String {
        // Invariant: strings and integers always serialize.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn every_server_error_has_a_name_and_a_code() {
        for code in 1..=15u8 {
            let error = ServerError::from_code(code);
            assert!(error.is_some_and(|e| server_error_name(e) != "refused" && e.code() == code));
        }
    }

    #[test]
    fn error_bodies_omit_a_missing_code() -> TestResult {
        let body = ErrorBody {
            error: NOT_FOUND.into(),
            code: None,
            message: "no such path".into(),
        };
        let json = serde_json::to_string(&body)?;
        assert_eq!(json, r#"{"error":"not-found","message":"no such path"}"#);
        let refusal: ErrorBody =
            serde_json::from_str(r#"{"error":"node-expired","code":4,"message":"node expired"}"#)?;
        assert_eq!(refusal.server_error(), Some(ServerError::NodeExpired));
        Ok(())
    }

    #[test]
    fn servers_documents_round_trip_and_are_checked() -> TestResult {
        let file = ServersFile::new(
            b"schedule",
            vec![ServerEntry {
                id: 1,
                url: "http://127.0.0.1:7801".into(),
            }],
        );
        assert_eq!(ServersFile::parse(&file.to_json())?, file);
        assert_eq!(file.schedule_bytes()?, b"schedule");
        let other = file.to_json().replace("epoch-servers", "group");
        assert!(ServersFile::parse(&other).is_err());
        Ok(())
    }
}
