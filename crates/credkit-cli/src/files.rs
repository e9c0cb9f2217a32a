//! The files of the commands, in the habits of age and minisign: `-` is standard input (for
//! at most one input of a command) or standard output; an output file is created new and an
//! existing one is replaced only with `--force`; a secret file (an issuer key, a member key, a
//! key generation state or share, a holder secret, a holder-bound credential, an attribute
//! authority's or user's key) is created with mode 0600 and never written to standard output.
//! A file decrypted by `credkit abe decrypt` is created with mode 0600 too, but may go to
//! standard output.
//!
//! Every error names the file and what in it is wrong (the Display of [`credkit_bbs::Error`]
//! and of [`FormatError`] names the field), and gives a hint. No error quotes a secret: the
//! libraries' messages name fields, never their values, and this module quotes nothing from
//! a file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use credkit_bbs::credential::{AttributeType, Schema};
use credkit_bbs::Error;
use zeroize::Zeroizing;

use crate::error::CommandError;
use crate::group_files::FormatError;

/// The hint for a document that does not follow the formats.
pub const FORMAT_HINT: &str = "check the file against SPEC.md §4";

/// The name of standard input and output on the command line.
pub const STDIO: &str = "-";

/// What a file holds, which decides how the errors about it are worded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Document {
    /// An issuer's secret key document (`issue --key`).
    SecretKey,
    /// A secret or a public key document (`pubkey FILE`).
    AnyKey,
    /// The trusted issuer's public key: a public-key document, a JWK or a Multikey
    /// (`verify --issuer`).
    Issuer,
    /// A schema document (`issue --schema`).
    Schema,
    /// A JSON object of every attribute of a schema (`issue --attrs`).
    Attributes,
    /// A credential document, plain or holder-bound (`present --credential`).
    Credential,
    /// A holder's secret for a credential request (`request --secret`, `present --secret`).
    HolderSecret,
    /// A holder's credential request (`issue --request`).
    Request,
    /// A presentation document (`verify --presentation`).
    Presentation,
    /// A group's public key, `group.json` (`--group`).
    Group,
    /// A member's key, `member-<i>.key` (`--share`).
    MemberKey,
    /// A message to sign or verify, any bytes.
    Message,
    /// A member's partial signature (`group combine`, `upload seal`).
    PartialSignature,
    /// A member's share of the group's proof of possession (`group pop combine`).
    PartialProofOfPossession,
    /// A group signature (`group verify`).
    GroupSignature,
    /// An upload's fields before signing (`upload sign`, `upload seal`).
    UnsignedUpload,
    /// A sealed upload envelope (`upload verify`).
    Envelope,
    /// An upload's payload, any bytes.
    Payload,
    /// A member's key generation state, `DIR/dkg-state.json` (`group dkg --state-dir`).
    DkgState,
    /// A key generation package from a participant (`group dkg`).
    DkgPackage,
    /// An attribute authority's master secret key (`abe keygen --authority`, `abe pubkey`).
    AbeAuthorityKey,
    /// An attribute authority's public key (`abe encrypt --public`).
    AbePublicKey,
    /// A user's attribute key (`abe decrypt --key`).
    AbeUserKey,
    /// A file to encrypt, any bytes (`abe encrypt`).
    AbePlaintext,
    /// An ABE envelope (`abe decrypt`).
    AbeEnvelope,
    /// A self-destructing record (`record open`, `record shred`, `record inspect`).
    Record,
    /// A record's shred token (`record shred --token`).
    RecordShredToken,
    /// The key servers' `servers.json` (`record --servers`).
    RecordServers,
}

impl Document {
    /// What the file is, in an error message.
    fn noun(self) -> &'static str {
        match self {
            Document::SecretKey => "the issuer's secret key",
            Document::AnyKey => "the key",
            Document::Issuer => "the issuer's public key",
            Document::Schema => "the schema",
            Document::Attributes => "the attributes",
            Document::Credential => "the credential",
            Document::HolderSecret => "the holder secret",
            Document::Request => "the credential request",
            Document::Presentation => "the presentation",
            Document::Group => "the group",
            Document::MemberKey => "the member key",
            Document::Message => "the message",
            Document::PartialSignature => "the partial signature",
            Document::PartialProofOfPossession => "the share of the proof of possession",
            Document::GroupSignature => "the group signature",
            Document::UnsignedUpload => "the unsigned upload",
            Document::Envelope => "the upload envelope",
            Document::Payload => "the payload",
            Document::DkgState => "the key generation state",
            Document::DkgPackage => "the key generation package",
            Document::AbeAuthorityKey => "the authority key",
            Document::AbePublicKey => "the authority's public key",
            Document::AbeUserKey => "the user key",
            Document::AbePlaintext => "the file to encrypt",
            Document::AbeEnvelope => "the ABE envelope",
            Document::Record => "the record",
            Document::RecordShredToken => "the shred token",
            Document::RecordServers => "the servers file",
        }
    }

    /// What to do when the file does not exist.
    fn missing_hint(self, name: &str) -> String {
        match self {
            Document::SecretKey | Document::AnyKey => {
                format!("create one with `credkit keygen -o {name}`")
            }
            Document::Issuer => format!(
                "export it from the issuer's secret key with `credkit pubkey ISSUER.key > {name}`"
            ),
            Document::Schema | Document::Attributes => {
                "check the path; examples/data/ has a schema and attributes to start from".into()
            }
            Document::Credential => "the issuer writes one with `credkit issue`".into(),
            Document::HolderSecret => format!(
                "the holder writes it with `credkit request --secret {name}`; a holder-bound \
                 credential cannot be presented without the secret of its request"
            ),
            Document::Request => "the holder writes one with `credkit request`".into(),
            Document::Presentation => "the holder writes one with `credkit present`".into(),
            Document::Group => "the dealer writes it with `credkit group deal`, each member of a \
                                key generation with `credkit group dkg finish`"
                .into(),
            Document::MemberKey => "the dealer writes member keys with `credkit group deal`, \
                                    each member of a key generation with `credkit group dkg \
                                    finish`"
                .into(),
            Document::Message | Document::Payload => "give the path of a readable file".into(),
            Document::PartialSignature => {
                "members write partial signatures with `credkit group sign` or `credkit upload \
                 sign`"
                    .into()
            }
            Document::PartialProofOfPossession => {
                "members write them with `credkit group pop sign`".into()
            }
            Document::GroupSignature => {
                "the combiner writes it with `credkit group combine`".into()
            }
            Document::UnsignedUpload => "write it with `credkit upload prepare`".into(),
            Document::Envelope => "the combiner writes it with `credkit upload seal`".into(),
            Document::DkgState => {
                "start a key generation in this folder with `credkit group dkg round1`".into()
            }
            Document::DkgPackage => "check the path; its sender writes it with `credkit group \
                                     dkg`"
                .into(),
            Document::AbeAuthorityKey => format!("create one with `credkit abe setup -o {name}`"),
            Document::AbePublicKey => format!(
                "export it from the authority's key with `credkit abe pubkey AUTHORITY.key > \
                 {name}`"
            ),
            Document::AbeUserKey => format!(
                "the authority writes one with `credkit abe keygen --authority AUTHORITY.key \
                 --attrs ... -o {name}`"
            ),
            Document::AbePlaintext => "give the path of a readable file".into(),
            Document::AbeEnvelope => "the sender writes one with `credkit abe encrypt`".into(),
            Document::Record => "the sender writes one with `credkit record seal`".into(),
            Document::RecordShredToken => {
                "`credkit record seal -o OUT` writes the token to OUT.shred; give it with --token"
                    .into()
            }
            Document::RecordServers => {
                "`credkit epoch init --out DIR` writes DIR/servers.json".into()
            }
        }
    }

    /// What to do when the file holds a document of another type.
    fn wrong_type_hint(self, name: &str, found: &str) -> String {
        match (self, found) {
            (Document::SecretKey, "public-key") => {
                "issuing needs the issuer's secret key, as `credkit keygen -o FILE` writes it, \
                 not its public key"
                    .into()
            }
            (Document::SecretKey, _) => {
                "--key takes the secret key file that `credkit keygen -o FILE` writes".into()
            }
            (Document::AnyKey, _) => {
                "give a secret key file from `credkit keygen`, or a public key document from \
                 `credkit pubkey`"
                    .into()
            }
            (Document::Issuer, "secret-key") => format!(
                "a verifier needs only the public key: export it with `credkit pubkey {name}`"
            ),
            (Document::Issuer, _) => ISSUER_FORMS_HINT.into(),
            (Document::Schema | Document::Attributes, _) => {
                "--schema takes a schema document, --attrs a JSON object of attribute values \
                 (SPEC.md §4)"
                    .into()
            }
            (Document::Credential, _) => {
                "--credential takes the file that `credkit issue` writes".into()
            }
            (Document::HolderSecret, _) => {
                "--secret takes the holder secret file that `credkit request --secret FILE` \
                 writes"
                    .into()
            }
            (Document::Request, _) => {
                "--request takes the file that `credkit request -o FILE` writes".into()
            }
            (Document::Presentation, _) => {
                "--presentation takes the file that `credkit present` writes".into()
            }
            (Document::Group, "member-key") => {
                "--group takes the group's public file, group.json, not a member's secret key"
                    .into()
            }
            (Document::Group, _) => "--group takes the group.json that `credkit group deal` or \
                                     `credkit group dkg finish` writes"
                .into(),
            (Document::MemberKey, _) => {
                "--share takes a member key file, member-<i>.key, as `credkit group deal` or \
                 `credkit group dkg finish` writes it"
                    .into()
            }
            (Document::PartialSignature, "partial-proof-of-possession") => {
                "shares of the proof of possession are combined with `credkit group pop combine`"
                    .into()
            }
            (Document::PartialSignature, _) => "give the partial signatures that `credkit group \
                                                sign` or `credkit upload sign` write"
                .into(),
            (Document::PartialProofOfPossession, _) => {
                "give the files that `credkit group pop sign` writes".into()
            }
            (Document::GroupSignature, _) => {
                "give the signature that `credkit group combine` writes".into()
            }
            (Document::UnsignedUpload, "upload") => {
                "this envelope is sealed already: check it with `credkit upload verify`".into()
            }
            (Document::UnsignedUpload, _) => {
                "give the file that `credkit upload prepare` writes".into()
            }
            (
                Document::Message
                | Document::Payload
                | Document::Envelope
                | Document::DkgState
                | Document::DkgPackage
                | Document::AbeAuthorityKey
                | Document::AbePublicKey
                | Document::AbeUserKey
                | Document::AbePlaintext
                | Document::AbeEnvelope
                | Document::Record
                | Document::RecordShredToken
                | Document::RecordServers,
                _,
            ) => GROUP_FORMAT_HINT.into(),
        }
    }
}

/// The hint for a group, member key, partial signature, signature or upload file that does
/// not follow its format.
pub const GROUP_FORMAT_HINT: &str =
    "the file was altered or truncated; write it anew with credkit rather than editing it";

/// The forms `verify --issuer` reads.
pub const ISSUER_FORMS_HINT: &str = "--issuer takes a credkit public-key document (`credkit \
     pubkey`), a JWK (a JSON object with `kty`) or a Multikey (one line starting with `z`)";

/// A document read from a file, with the name errors give the file.
pub struct Input {
    /// The path as given, or `standard input`.
    pub name: String,
    /// The text, wiped when dropped (it may be a secret key document).
    pub text: Zeroizing<String>,
}

/// The inputs of one command: at most one of them may come from standard input.
#[derive(Debug, Default)]
pub struct Inputs {
    stdin_taken: bool,
}

impl Inputs {
    /// Reads the UTF-8 text of `path` (`-` for standard input), which holds a `doc`.
    ///
    /// # Errors
    /// Input errors naming the file: it cannot be read, is not UTF-8; usage error when a
    /// second input is to come from standard input.
    pub fn read(&mut self, path: &Path, doc: Document) -> Result<Input, CommandError> {
        let Bytes { name, bytes } = self.read_bytes(path, doc)?;
        match std::str::from_utf8(&bytes) {
            Ok(text) => Ok(Input {
                text: Zeroizing::new(text.to_owned()),
                name,
            }),
            Err(e) => Err(CommandError::input(format!(
                "{name}: not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ))
            .with_hint(match doc {
                Document::SecretKey
                | Document::AnyKey
                | Document::Issuer
                | Document::Schema
                | Document::Attributes
                | Document::Credential
                | Document::HolderSecret
                | Document::Request
                | Document::Presentation => FORMAT_HINT,
                _ => GROUP_FORMAT_HINT,
            })),
        }
    }

    /// Reads the bytes of `path` (`-` for standard input), which holds a `doc`: a message or
    /// a payload, any bytes.
    ///
    /// # Errors
    /// As [`Inputs::read`], but for UTF-8.
    pub fn read_bytes(&mut self, path: &Path, doc: Document) -> Result<Bytes, CommandError> {
        let stdin = path.as_os_str() == STDIO;
        let name = if stdin {
            "standard input".to_owned()
        } else {
            path.display().to_string()
        };
        let bytes = if stdin {
            if self.stdin_taken {
                return Err(CommandError::usage(
                    "only one input can be read from standard input (`-`)",
                )
                .with_hint("write the others to files first"));
            }
            self.stdin_taken = true;
            let mut bytes = Zeroizing::new(Vec::new());
            io::stdin().lock().read_to_end(&mut bytes).map_err(|e| {
                CommandError::input(format!("{name}: cannot read {}: {e}", doc.noun()))
            })?;
            bytes
        } else {
            Zeroizing::new(fs::read(path).map_err(|e| {
                let err = CommandError::input(format!(
                    "{name}: cannot read {}: {}",
                    doc.noun(),
                    describe(&e)
                ));
                match e.kind() {
                    io::ErrorKind::NotFound => err.with_hint(doc.missing_hint(&name)),
                    io::ErrorKind::PermissionDenied => {
                        err.with_hint("check the file's permissions")
                    }
                    _ => err.with_hint("give the path of a readable file"),
                }
            })?)
        };
        Ok(Bytes { name, bytes })
    }
}

/// The bytes of a file, with the name errors give the file.
pub struct Bytes {
    /// The path as given, or `standard input`.
    pub name: String,
    /// The bytes, wiped when dropped.
    pub bytes: Zeroizing<Vec<u8>>,
}

/// The error for a document `name` that holds a `doc` and was refused by the library with `e`.
/// `schema` is the schema the document was read under, when there is one (for attributes),
/// whose attributes the hints then list.
///
/// A signature or proof that does not verify is a verification error (exit status 1), an
/// error only a bug can cause is internal (255), and anything else is an input error (2).
pub fn document_error(
    name: &str,
    doc: Document,
    e: Error,
    schema: Option<&Schema>,
) -> CommandError {
    match &e {
        Error::InvalidSignature => {
            return CommandError::verification(format!(
                "{name}: the credential's signature does not verify"
            ))
            .with_hint(
                "the file was altered after it was issued, or the issuer it names did not sign \
                 it; ask the issuer for a new credential",
            )
        }
        Error::InvalidProof
        | Error::IssuerMismatch
        | Error::SuiteMismatch { .. }
        | Error::PseudonymContextMismatch => {
            return CommandError::verification(format!(
                "{name}: the presentation does not verify: {e}"
            ))
        }
        Error::DegenerateSignature
        | Error::RandomScalarCount { .. }
        | Error::ZeroRandomScalar
        | Error::GeneratorCount { .. } => {
            return CommandError::internal(format!("{name}: {e}"));
        }
        _ => {}
    }
    let err = CommandError::input(format!("{name}: {e}"));
    match &e {
        Error::WrongDocumentType { found, .. } => err.with_hint(doc.wrong_type_hint(name, found)),
        Error::UnknownAttribute(_) | Error::MissingAttribute(_) => match schema {
            Some(schema) => err.with_hint(attributes_hint(schema)),
            None => err.with_hint(FORMAT_HINT),
        },
        Error::AttributeType { expected, .. } => err.with_hint(match expected {
            AttributeType::String => "a string attribute is a JSON string",
            AttributeType::Integer => {
                "an integer attribute is a JSON number without a fraction, -2^63 to 2^63-1"
            }
            AttributeType::Date => "a date attribute is a JSON string YYYY-MM-DD",
            AttributeType::Boolean => "a boolean attribute is true or false",
            AttributeType::Bytes => {
                "a bytes attribute is a JSON string of base64url without padding"
            }
        }),
        Error::InvalidDate(_) => {
            err.with_hint("write a date as YYYY-MM-DD, of a day that exists, e.g. 1815-12-10")
        }
        Error::Encoding(_) | Error::ProofLength(_) | Error::InField { .. } => {
            err.with_hint("the file was altered or truncated; check it against SPEC.md §4")
        }
        Error::KeyMismatch => err.with_hint(
            "the file was altered; write it anew with `credkit keygen` or `credkit pubkey` \
             rather than editing it",
        ),
        Error::Jwk(_) | Error::Multikey(_) => err.with_hint(ISSUER_FORMS_HINT),
        Error::HolderSecretMismatch => err.with_hint(
            "give the secret file that `credkit request --secret FILE` wrote with the request \
             this credential was issued for; a credential cannot be presented with another",
        ),
        Error::InconsistentHolderSecret => err.with_hint(
            "the file was altered; a holder secret cannot be repaired, ask the issuer for a new \
             credential against a new `credkit request`",
        ),
        Error::InvalidCommitment | Error::CommitmentLength(_) => {
            err.with_hint("the request was altered or truncated; ask the holder for a new one")
        }
        _ => err.with_hint(FORMAT_HINT),
    }
}

/// The hint that lists the attributes of `schema`: `the schema `ID` has the attributes name
/// (type), ...`.
pub fn attributes_hint(schema: &Schema) -> String {
    let listed: Vec<String> = schema
        .attributes()
        .iter()
        .map(|a| format!("{} ({})", a.name, a.kind))
        .collect();
    format!(
        "the schema `{}` has the attributes {}",
        schema.id(),
        listed.join(", ")
    )
}

/// The error for a file `name` that holds a `doc` of [`crate::group_files`] and was refused
/// with `e`: an input error (exit status 2) with a hint.
pub fn format_error(name: &str, doc: Document, e: FormatError) -> CommandError {
    let err = CommandError::input(format!("{name}: {e}"));
    match &e {
        FormatError::WrongType { found, .. } => err.with_hint(doc.wrong_type_hint(name, found)),
        FormatError::UnsupportedVersion { .. } => {
            err.with_hint("the file was written by another version of credkit")
        }
        FormatError::InvalidProofOfPossession => err.with_hint(
            "the group's key was altered or replaced; get group.json again from the dealer or \
             the members",
        ),
        FormatError::TaskId => {
            err.with_hint("a task id is 1 to 255 bytes of UTF-8; write the file anew with `credkit upload prepare`")
        }
        _ => err.with_hint(GROUP_FORMAT_HINT),
    }
}

/// Writes the document `contents` to `path`, or to `out` for `-`. A file is created new; an
/// existing one is replaced only with `force`.
///
/// # Errors
/// A usage error when the file exists and `force` is not given; an input error when it
/// cannot be created or written; an internal error when `out` cannot be written.
pub fn write_output(
    path: &Path,
    contents: &str,
    force: bool,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    if path.as_os_str() == STDIO {
        out.write_all(contents.as_bytes())?;
        return Ok(());
    }
    write_file(path, contents.as_bytes(), force, false)
}

/// Writes the bytes `contents` to `path`, or to `out` for `-`: a file is created new (an
/// existing one is replaced only with `force`), with mode 0600 when `secret`.
///
/// # Errors
/// As [`write_output`].
pub fn write_output_bytes(
    path: &Path,
    contents: &[u8],
    force: bool,
    secret: bool,
    out: &mut impl Write,
) -> Result<(), CommandError> {
    if path.as_os_str() == STDIO {
        out.write_all(contents)?;
        return Ok(());
    }
    write_file(path, contents, force, secret)
}

/// Writes the public document `contents` to the file `path` (never standard output): created
/// new, or replaced with `force`.
///
/// # Errors
/// As [`write_output`].
pub fn write_file_public(path: &Path, contents: &str, force: bool) -> Result<(), CommandError> {
    write_file(path, contents.as_bytes(), force, false)
}

/// Writes the secret key document `contents` to the file `path`, which only its owner can
/// read or write (mode 0600 on Unix, also when `force` replaces an existing file).
///
/// # Errors
/// As [`write_output`].
pub fn write_secret(path: &Path, contents: &str, force: bool) -> Result<(), CommandError> {
    write_file(path, contents.as_bytes(), force, true)
}

/// The error for an output that exists when `--force` is not given.
pub fn already_exists(path: &Path) -> CommandError {
    CommandError::usage(format!(
        "{}: already exists; not overwriting it",
        path.display()
    ))
    .with_hint("pass --force to overwrite it")
}

/// Refuses, before anything is written, when one of the outputs `paths` of a command that
/// writes several files exists and `force` is not given, so that no run leaves half of its
/// files behind.
///
/// # Errors
/// [`already_exists`] for the first that exists.
pub fn refuse_existing<'a>(
    paths: impl IntoIterator<Item = &'a Path>,
    force: bool,
) -> Result<(), CommandError> {
    if force {
        return Ok(());
    }
    match paths.into_iter().find(|p| p.exists()) {
        Some(path) => Err(already_exists(path)),
        None => Ok(()),
    }
}

/// Replaces the secret file `path` with `contents` atomically: writes `<path>.tmp` (mode
/// 0600), syncs it and renames it over `path`, so that a crash leaves the old file or the
/// new one, never half of one.
///
/// # Errors
/// An input error when the file cannot be written or renamed.
pub fn replace_secret(path: &Path, contents: &str) -> Result<(), CommandError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    write_file(&tmp, contents.as_bytes(), true, true)?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        CommandError::input(format!(
            "{}: cannot replace: {}",
            path.display(),
            describe(&e)
        ))
        .with_hint("check the folder's permissions")
    })
}

/// Creates the folder `path` and its parents if missing; a folder created here is private to
/// its owner (mode 0700 on Unix).
///
/// # Errors
/// An input error naming the folder.
pub fn create_private_dir(path: &Path) -> Result<(), CommandError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(|e| {
        CommandError::input(format!(
            "{}: cannot create the folder: {}",
            path.display(),
            describe(&e)
        ))
        .with_hint("give a folder in a writable place")
    })
}

fn write_file(path: &Path, contents: &[u8], force: bool, secret: bool) -> Result<(), CommandError> {
    let name = path.display();
    let mut file = create(path, force, secret).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => already_exists(path),
        kind => {
            let err = CommandError::input(format!("{name}: cannot create: {}", describe(&e)));
            match kind {
                io::ErrorKind::NotFound => err.with_hint("create its folder first"),
                io::ErrorKind::PermissionDenied => err.with_hint("check the folder's permissions"),
                _ => err.with_hint("give the path of a file in a writable folder"),
            }
        }
    })?;
    let written = file.write_all(contents).and_then(|()| file.sync_all());
    if let Err(e) = written {
        drop(file);
        if !force {
            // Leave no half-written file behind that a later run would refuse to overwrite.
            let _ = fs::remove_file(path);
        }
        return Err(
            CommandError::input(format!("{name}: cannot write: {}", describe(&e)))
                .with_hint("check that the file system has room"),
        );
    }
    Ok(())
}

/// Opens `path` for writing: created new, or with `force` created or truncated. A secret file
/// gets mode 0600 before anything is written to it.
fn create(path: &Path, force: bool, secret: bool) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    if secret {
        // `mode` applies only to a file created here; an existing one keeps its mode.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = secret;
    Ok(file)
}

/// An I/O error in words that do not depend on the platform for the common cases.
pub fn describe(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or folder".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::IsADirectory => "is a folder".into(),
        io::ErrorKind::AlreadyExists => "already exists".into(),
        _ => e.to_string(),
    }
}
