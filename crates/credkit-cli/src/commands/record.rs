//! `credkit record <COMMAND>`: time-bound self-destructing records (credkit-abe `record`).
//!
//! A record is a file encrypted under an ABE policy *and* a validity window of UTC hours:
//! opening it needs a user key whose attributes satisfy the policy and the help of `t` of the
//! `n` key servers of an epoch schedule (`credkit epoch serve`), which answer only inside the
//! window and erase their keys once it has ended. [`seal`] writes the record and its shred
//! token, [`open`] decrypts it, [`shred`] destroys one record early, [`inspect`] shows its
//! header. The servers are reached over plain HTTP ([`crate::http_transport`]), as listed in
//! the `servers.json` that `credkit epoch init` writes.
//!
//! Time is the UTC hour (an epoch: hours since the Unix epoch). For tests, the environment
//! variable `CREDKIT_EPOCH_TEST_CLOCK` names a file holding the current epoch in decimal; the
//! key servers read the same variable.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use credkit_abe::epoch::{Epoch, Schedule};
use credkit_abe::record::SealedRecord;
use credkit_threshold::Identifier;

use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{Document, Inputs};
use crate::http_transport::ServersFile;

pub mod inspect;
pub mod open;
pub mod seal;
pub mod shred;

/// The environment variable naming the test clock file.
pub const TEST_CLOCK_ENV: &str = "CREDKIT_EPOCH_TEST_CLOCK";

/// Arguments of `credkit record`.
#[derive(Debug, Clone, clap::Args)]
pub struct RecordArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: RecordCommand,
}

/// The subcommands of `credkit record`, in the order of a record's life.
#[derive(Debug, Clone, Subcommand)]
pub enum RecordCommand {
    /// Seal a file for a policy and a window of UTC hours: writes OUT and its shred token
    /// OUT.shred (mode 0600).
    ///
    /// Every key server of servers.json must store its share of the record. Hours are
    /// YYYY-MM-DDTHH, UTC, both ends included; --not-before defaults to the current hour.
    Seal(seal::SealArgs),
    /// Open a record with a user's key and the key servers; the file is written with mode
    /// 0600, or to standard output with `-o -`.
    ///
    /// Exits with 0 when it opens (a warning names servers that were unreachable or answered
    /// wrongly on the way), 1 when it cannot: policy not satisfied, not yet valid, expired,
    /// shredded, authentication failed, not enough servers; 2 when an input cannot be read.
    Open(open::OpenArgs),
    /// Shred one record early with its shred token: the key servers delete its shares, and
    /// nobody can open it again.
    Shred(shred::ShredArgs),
    /// Show a record's header: policy, window, record id, schedule, threshold, cover nodes.
    /// No key is needed.
    Inspect(inspect::InspectArgs),
}

/// Runs `credkit record`.
///
/// # Errors
/// The subcommand's.
pub fn run(args: &RecordArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match &args.command {
        RecordCommand::Seal(args) => seal::run(args, out),
        RecordCommand::Open(args) => open::run(args, out),
        RecordCommand::Shred(args) => shred::run(args, out),
        RecordCommand::Inspect(args) => inspect::run(args, out),
    }
}

/// The current epoch: the test clock file's when [`TEST_CLOCK_ENV`] is set, else the UTC hour
/// of the system clock.
///
/// # Errors
/// An input error when the test clock file cannot be read or does not hold a number.
pub fn now() -> Result<Epoch, CommandError> {
    if let Some(path) = std::env::var_os(TEST_CLOCK_ENV) {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            CommandError::input(format!(
                "{}: cannot read the test clock: {}",
                Path::new(&path).display(),
                crate::files::describe(&e)
            ))
        })?;
        return text.trim().parse::<u64>().map(Epoch).map_err(|_| {
            CommandError::input(format!(
                "{}: the test clock holds `{}`, not an epoch",
                Path::new(&path).display(),
                text.trim()
            ))
            .with_hint(format!(
                "{TEST_CLOCK_ENV} is for tests: unset it, or write the hours since 1970 in it"
            ))
        });
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| CommandError::internal("the system clock is before 1970"))?
        .as_secs();
    Ok(Epoch::from_unix_seconds(seconds))
}

/// Days since 1970-01-01 of a date of the proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Parses an hour `YYYY-MM-DDTHH` (UTC, years 1970 to 9999) into its epoch.
///
/// # Errors
/// A message for clap.
pub fn parse_hour(text: &str) -> Result<Epoch, String> {
    let bad = || format!("`{text}` is not an hour YYYY-MM-DDTHH (UTC), e.g. 2027-01-31T09");
    let b = text.as_bytes();
    if b.len() != 13 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        let part = &text[range];
        if !part.bytes().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse::<i64>().map_err(|_| bad())
    };
    let (year, month, day, hour) = (num(0..4)?, num(5..7)?, num(8..10)?, num(11..13)?);
    if year < 1970 || !(1..=12).contains(&month) || hour > 23 || day < 1 {
        return Err(bad());
    }
    let days_in_month =
        days_from_civil(if month == 12 { year + 1 } else { year }, month % 12 + 1, 1)
            - days_from_civil(year, month, 1);
    if day > days_in_month {
        return Err(bad());
    }
    let days = days_from_civil(year, month, day);
    // Nonnegative: the year is at least 1970.
    Ok(Epoch((days * 24 + hour) as u64))
}

/// The hour of an epoch, `YYYY-MM-DDTHH` (UTC); epochs past year 9999 as `epoch N`.
pub fn format_hour(epoch: Epoch) -> String {
    let Ok(hours) = i64::try_from(epoch.0) else {
        return format!("epoch {}", epoch.0);
    };
    let (year, month, day) = civil_from_days(hours / 24);
    if year > 9999 {
        return format!("epoch {}", epoch.0);
    }
    format!("{year:04}-{month:02}-{day:02}T{:02}", hours % 24)
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        // Writing to a String cannot fail.
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Reads a servers file.
pub(crate) fn read_servers(inputs: &mut Inputs, path: &Path) -> Result<ServersFile, CommandError> {
    let input = inputs.read(path, Document::RecordServers)?;
    ServersFile::from_json(&input.text).map_err(|e| {
        CommandError::input(format!("{}: {e}", input.name))
            .with_hint("give the servers.json that `credkit epoch init` writes")
    })
}

/// Reads a record file.
pub(crate) fn read_record(
    inputs: &mut Inputs,
    path: &Path,
) -> Result<(String, SealedRecord), CommandError> {
    let input = inputs.read_bytes(path, Document::Record)?;
    let record = SealedRecord::from_bytes(&input.bytes).map_err(|e| {
        CommandError::input(format!("{}: {e}", input.name))
            .with_hint("give a record that `credkit record seal` wrote")
    })?;
    Ok((input.name, record))
}

/// `server 2 (http://127.0.0.1:7802)`, for messages.
pub(crate) fn server_name(servers: &ServersFile, id: Identifier) -> String {
    match servers.urls().iter().find(|(i, _)| *i == id) {
        Some((_, url)) => format!("server {} ({url})", id.get()),
        None => format!("server {}", id.get()),
    }
}

/// The error for a record sealed under another schedule than the servers file's.
pub(crate) fn check_schedule(
    name: &str,
    record: &SealedRecord,
    schedule: &Schedule,
) -> Result<(), CommandError> {
    if record.header().epoch_header().schedule_digest() != schedule.digest() {
        return Err(CommandError::input(format!(
            "{name}: the record was sealed for schedule {}, the servers file is for {}",
            hex(record.header().epoch_header().schedule_digest()),
            hex(schedule.digest())
        ))
        .with_hint("give the servers.json of the key servers the record was sealed with"));
    }
    Ok(())
}

/// The path `OUT.shred` next to `OUT`.
pub(crate) fn token_path(record: &Path) -> PathBuf {
    let mut path = record.as_os_str().to_owned();
    path.push(".shred");
    PathBuf::from(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_round_trip() {
        assert_eq!(parse_hour("1970-01-01T00"), Ok(Epoch(0)));
        assert_eq!(parse_hour("1970-01-02T01"), Ok(Epoch(25)));
        // 2026-11-26T16:00Z = 1795708800 s.
        assert_eq!(parse_hour("2026-11-26T16"), Ok(Epoch(1_795_708_800 / 3600)));
        for text in [
            "2024-02-29T23",
            "2027-01-31T00",
            "2000-12-31T12",
            "9999-12-31T23",
        ] {
            let epoch = parse_hour(text).map_err(|e| e.to_string());
            assert_eq!(epoch.map(format_hour).as_deref(), Ok(text));
        }
        for bad in [
            "2023-02-29T00",
            "2027-13-01T00",
            "2027-01-32T00",
            "2027-01-01T24",
            "1969-12-31T23",
            "2027-01-01",
            "2027-01-01T1",
            "2027-01-01 10",
            "+027-01-01T10",
        ] {
            assert!(parse_hour(bad).is_err(), "{bad}");
        }
    }
}
