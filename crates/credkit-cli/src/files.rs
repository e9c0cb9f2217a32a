//! The files of the credential commands, in the habits of age and minisign: `-` is standard
//! input (for at most one input of a command) or standard output; an output file is created
//! new and an existing one is replaced only with `--force`; a secret key file is created with
//! mode 0600 and never written to standard output.
//!
//! Every error names the file and what in it is wrong (the Display of [`credkit_bbs::Error`]
//! names the field), and gives a hint. No error quotes a secret: the library's messages name
//! fields, never their values, and this module quotes nothing from a file.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use credkit_bbs::credential::{AttributeType, Schema};
use credkit_bbs::Error;
use zeroize::Zeroizing;

use crate::error::CommandError;

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
    /// A credential document (`present --credential`).
    Credential,
    /// A presentation document (`verify --presentation`).
    Presentation,
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
            Document::Presentation => "the presentation",
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
            Document::Presentation => "the holder writes one with `credkit present`".into(),
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
            (Document::Presentation, _) => {
                "--presentation takes the file that `credkit present` writes".into()
            }
        }
    }
}

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
        match std::str::from_utf8(&bytes) {
            Ok(text) => Ok(Input {
                text: Zeroizing::new(text.to_owned()),
                name,
            }),
            Err(e) => Err(CommandError::input(format!(
                "{name}: not UTF-8 text (invalid byte at offset {})",
                e.valid_up_to()
            ))
            .with_hint(FORMAT_HINT)),
        }
    }
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
        Error::InvalidProof | Error::IssuerMismatch | Error::SuiteMismatch { .. } => {
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
    write_file(path, contents, force, false)
}

/// Writes the secret key document `contents` to the file `path`, which only its owner can
/// read or write (mode 0600 on Unix, also when `force` replaces an existing file).
///
/// # Errors
/// As [`write_output`].
pub fn write_secret(path: &Path, contents: &str, force: bool) -> Result<(), CommandError> {
    write_file(path, contents, force, true)
}

fn write_file(path: &Path, contents: &str, force: bool, secret: bool) -> Result<(), CommandError> {
    let name = path.display();
    let mut file = create(path, force, secret).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => {
            CommandError::usage(format!("{name}: already exists; not overwriting it"))
                .with_hint("pass --force to overwrite it")
        }
        kind => {
            let err = CommandError::input(format!("{name}: cannot create: {}", describe(&e)));
            match kind {
                io::ErrorKind::NotFound => err.with_hint("create its folder first"),
                io::ErrorKind::PermissionDenied => err.with_hint("check the folder's permissions"),
                _ => err.with_hint("give the path of a file in a writable folder"),
            }
        }
    })?;
    let written = file
        .write_all(contents.as_bytes())
        .and_then(|()| file.sync_all());
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
