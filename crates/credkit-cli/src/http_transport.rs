//! The key servers over HTTP: `servers.json` (the signed schedule and where each server
//! listens) and a blocking [`KeyServerTransport`] that speaks the JSON protocol of
//! `credkit epoch serve` (SPEC.md §6.6, wire protocol §6.3.11).
//!
//! Plain `http://` only: this client has no TLS. Record shares, partial decryptions and shred
//! tokens travel in these messages, so use it on loopback or a trusted network, or put a
//! TLS-terminating proxy next to each end. Timeouts are short (connect 1 s, read and write
//! 5 s): a server that does not answer in time is unreachable, and the client carries on with
//! the others.

use std::time::Duration;

use credkit_abe::epoch::messages::{PartialRequest, PartialResponse, ShredRequest, StoreRequest};
use credkit_abe::epoch::{DeletionStatement, KeyServerTransport, Schedule, TransportError};
use credkit_threshold::Identifier;

use crate::epoch_wire::{
    self as wire, ErrorBody, PartialBody, RequestBody, StatementBody, StoredBody,
};

/// Connect timeout per request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
/// Read and write timeout per request.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a servers file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServersFileError {
    /// Not JSON, or not the shape of a servers file.
    #[error("not a servers file: {0}")]
    Json(String),
    /// Another `type`.
    #[error("the file is of type `{0}`, not `epoch-servers`")]
    WrongType(String),
    /// Another `version`.
    #[error("version {0} is not supported (this credkit reads version 1)")]
    UnsupportedVersion(u64),
    /// The schedule is not base64url, or does not decode with every server's signature.
    #[error("the schedule: {0}")]
    Schedule(String),
    /// The servers listed are not the schedule's.
    #[error("the servers listed are not the schedule's: {0}")]
    Servers(String),
    /// A URL that is not `http://host:port`.
    #[error("server {id}: `{url}` is not http://HOST:PORT")]
    Url {
        /// The server's identifier.
        id: u16,
        /// The URL given.
        url: String,
    },
}

/// A parsed `servers.json`: the schedule (every signature checked) and one base URL per
/// server, in the schedule's order.
#[derive(Debug)]
pub struct ServersFile {
    schedule: Schedule,
    urls: Vec<(Identifier, String)>,
}

impl ServersFile {
    /// Parses and checks a servers file: version and type, the schedule decodes with all its
    /// server signatures, the ids are exactly the schedule's servers, URLs are
    /// `http://host:port` (a trailing `/` is dropped).
    ///
    /// # Errors
    /// [`ServersFileError`].
    pub fn from_json(text: &str) -> Result<Self, ServersFileError> {
        // The type and version are checked before the rest of the shape.
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ServersFileError::Json(e.to_string()))?;
        match value.get("type").and_then(|t| t.as_str()) {
            Some(wire::SERVERS_TYPE) => {}
            Some(other) => return Err(ServersFileError::WrongType(other.to_owned())),
            None => return Err(ServersFileError::Json("no `type`".into())),
        }
        match value.get("version").and_then(|v| v.as_u64()) {
            Some(wire::SERVERS_VERSION) => {}
            Some(v) => return Err(ServersFileError::UnsupportedVersion(v)),
            None => return Err(ServersFileError::Json("no `version`".into())),
        }
        let file = wire::ServersFile::parse(text).map_err(ServersFileError::Json)?;
        let bytes = file.schedule_bytes().map_err(ServersFileError::Schedule)?;
        let schedule =
            Schedule::from_bytes(&bytes).map_err(|e| ServersFileError::Schedule(e.to_string()))?;
        let expected: Vec<u16> = schedule
            .servers()
            .iter()
            .map(|s| s.identifier().get())
            .collect();
        let mut given: Vec<u16> = file.servers.iter().map(|s| s.id).collect();
        given.sort_unstable();
        if given != expected {
            return Err(ServersFileError::Servers(format!(
                "the schedule's are {expected:?}, the file lists {given:?}"
            )));
        }
        let mut urls = Vec::with_capacity(file.servers.len());
        for key in schedule.servers() {
            let id = key.identifier();
            // Present: the sorted lists are equal.
            let Some(server) = file.servers.iter().find(|s| s.id == id.get()) else {
                return Err(ServersFileError::Servers("missing server".into()));
            };
            urls.push((id, check_url(id.get(), &server.url)?));
        }
        Ok(ServersFile { schedule, urls })
    }

    /// The schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// Each server's identifier and base URL, in the schedule's order.
    pub fn urls(&self) -> &[(Identifier, String)] {
        &self.urls
    }

    /// The transport to these servers.
    pub fn transport(&self) -> HttpServers {
        HttpServers::new(self.urls.clone())
    }
}

/// `http://host:port`, without a path; returns it without a trailing `/`.
fn check_url(id: u16, url: &str) -> Result<String, ServersFileError> {
    let bad = || ServersFileError::Url {
        id,
        url: url.to_owned(),
    };
    let rest = url.strip_prefix("http://").ok_or_else(bad)?;
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    if !host_ok || port.is_empty() || port.parse::<u16>().is_err() {
        return Err(bad());
    }
    Ok(format!("http://{rest}"))
}

/// Key servers reached over HTTP, one blocking request at a time.
#[derive(Debug)]
pub struct HttpServers {
    agent: ureq::Agent,
    urls: Vec<(Identifier, String)>,
}

impl HttpServers {
    /// The servers at these base URLs.
    pub fn new(urls: Vec<(Identifier, String)>) -> Self {
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(CONNECT_TIMEOUT)
            .timeout_read(IO_TIMEOUT)
            .timeout_write(IO_TIMEOUT)
            .build();
        HttpServers { agent, urls }
    }

    /// `POST {base}{path}` with `{"request": b64(body)}`, returning the decoded answer.
    fn post<A: serde::de::DeserializeOwned>(
        &self,
        server: Identifier,
        path: &str,
        body: &[u8],
    ) -> Result<A, TransportError> {
        let base = self
            .urls
            .iter()
            .find(|(id, _)| *id == server)
            .map(|(_, url)| url)
            .ok_or(TransportError::Unreachable)?;
        let request = RequestBody {
            request: wire::b64(body),
        };
        let answer = self.agent.post(&format!("{base}{path}")).send_json(request);
        match answer {
            Ok(response) => response
                .into_json::<A>()
                .map_err(|_| TransportError::MalformedAnswer),
            Err(ureq::Error::Status(status, response)) => {
                let code = response
                    .into_json::<ErrorBody>()
                    .ok()
                    .and_then(|e| e.server_error());
                Err(match (status, code) {
                    (422, Some(reason)) => TransportError::Refused(reason),
                    // A request the server could not decode: ours is well formed, so this
                    // is the server's fault unless it says which refusal it is.
                    (400, Some(reason)) => TransportError::Refused(reason),
                    // Overloaded or restarting: try the others.
                    (502..=504, _) => TransportError::Unreachable,
                    _ => TransportError::MalformedAnswer,
                })
            }
            Err(ureq::Error::Transport(_)) => Err(TransportError::Unreachable),
        }
    }
}

/// The bytes of a base64url field of an answer.
fn field_bytes(text: &str) -> Result<zeroize::Zeroizing<Vec<u8>>, TransportError> {
    wire::unb64(text).ok_or(TransportError::MalformedAnswer)
}

impl KeyServerTransport for HttpServers {
    fn partial_decrypt(
        &self,
        server: Identifier,
        request: &PartialRequest,
    ) -> Result<PartialResponse, TransportError> {
        let answer: PartialBody = self.post(server, wire::PARTIAL_PATH, &request.to_bytes())?;
        PartialResponse::from_bytes(&field_bytes(&answer.response)?)
            .map_err(|_| TransportError::MalformedAnswer)
    }

    fn store_record_share(
        &self,
        server: Identifier,
        request: &StoreRequest,
    ) -> Result<(), TransportError> {
        let answer: StoredBody = self.post(server, wire::RECORDS_PATH, &request.to_bytes())?;
        if answer.stored {
            Ok(())
        } else {
            Err(TransportError::MalformedAnswer)
        }
    }

    fn shred(
        &self,
        server: Identifier,
        request: &ShredRequest,
    ) -> Result<DeletionStatement, TransportError> {
        let answer: StatementBody = self.post(server, wire::SHRED_PATH, &request.to_bytes())?;
        DeletionStatement::from_bytes(&field_bytes(&answer.statement)?)
            .map_err(|_| TransportError::MalformedAnswer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_http_host_port() {
        assert_eq!(
            check_url(1, "http://127.0.0.1:7801/").ok(),
            Some("http://127.0.0.1:7801".to_owned())
        );
        assert!(check_url(1, "http://localhost:80").is_ok());
        for bad in [
            "https://127.0.0.1:7801",
            "http://127.0.0.1",
            "http://127.0.0.1:7801/v1",
            "http://:80",
            "http://a b:80",
            "127.0.0.1:80",
        ] {
            assert!(check_url(1, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn servers_files_are_checked() {
        assert!(matches!(
            ServersFile::from_json("{}"),
            Err(ServersFileError::Json(_))
        ));
        assert!(matches!(
            ServersFile::from_json(r#"{"type": "group", "version": 1}"#),
            Err(ServersFileError::WrongType(_))
        ));
        assert!(matches!(
            ServersFile::from_json(r#"{"type": "epoch-servers", "version": 2}"#),
            Err(ServersFileError::UnsupportedVersion(2))
        ));
        assert!(matches!(
            ServersFile::from_json(
                r#"{"type": "epoch-servers", "version": 1, "schedule": "AQ", "servers": []}"#
            ),
            Err(ServersFileError::Schedule(_))
        ));
    }
}
