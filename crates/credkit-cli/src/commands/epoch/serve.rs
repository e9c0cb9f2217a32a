//! `credkit epoch serve --state DIR --listen ADDR`: one key server of the epoch key service
//! (SPEC.md §6.3), over HTTP with JSON bodies ([`crate::epoch_wire`]).
//!
//! - **State.** The directory `credkit epoch init` wrote (`epoch::StateDir`), opened and
//!   validated at start, with anything overdue erased before the first request. A store or a
//!   shred is answered only after the directory holds it; if writing fails the request gets
//!   500 `storage` and the server reloads the directory (and answers 500 to everything if
//!   even that fails).
//! - **Concurrency.** A multi-threaded tokio runtime; the key server sits behind a
//!   read-write lock: partial decryptions run concurrently under the read lock (on the
//!   blocking pool, as they are CPU-bound), stores, shreds and erasures under the write lock.
//! - **Erasure.** A background task looks at the clock every second (every 100 ms with the
//!   test clock) and, whenever the epoch changed, erases every share whose range ended (files
//!   deleted, memory zeroized, a signed statement logged).
//! - **Clock.** UTC hours of the system clock. For tests only: if the environment variable
//!   `CREDKIT_EPOCH_TEST_CLOCK` names a file, the current epoch is read (a decimal number)
//!   from that file whenever it is needed, and a warning says so at start.
//! - **Logs.** `listening on ADDR` on standard output once bound; one line per request on
//!   standard error (peer, method, path, status, duration; never a body or a query).
//! - **Limits.** Bodies over 64 KiB are refused (413). No TLS: put a reverse proxy in front.
//!   One process per state directory (nothing locks it).

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use credkit_abe::epoch::messages::{PartialRequest, ShredRequest, StoreRequest};
use credkit_abe::epoch::{Epoch, KeyServer, Schedule, ServerError, StateDir};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::commands::epoch::abe_error;
use crate::commands::epoch::init::current_epoch;
use crate::commands::Status;
use crate::epoch_wire::{
    b64, server_error_name, unb64, DeletionsBody, ErrorBody, PartialBody, RequestBody,
    ScheduleBody, StatementBody, StatusBody, StoredBody, DELETIONS_PATH, INTERNAL,
    MALFORMED_REQUEST, MAX_BODY, METHOD_NOT_ALLOWED, NOT_FOUND, PARTIAL_PATH, RECORDS_PATH,
    SCHEDULE_PATH, SHRED_PATH, STATUS_PATH, STORAGE, TOO_LARGE,
};
use crate::error::CommandError;

/// The environment variable naming the test clock's file (tests only).
pub const TEST_CLOCK_ENV: &str = "CREDKIT_EPOCH_TEST_CLOCK";

/// Arguments of `credkit epoch serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// The server's state directory (`DIR/server-<i>` of `credkit epoch init`).
    #[arg(long, value_name = "DIR")]
    pub state: PathBuf,

    /// The address to listen on: `127.0.0.1:7801`; port 0 picks a free port (printed).
    #[arg(long, value_name = "ADDR")]
    pub listen: SocketAddr,
}

/// Where the current epoch comes from.
#[derive(Debug, Clone)]
enum Clock {
    /// UTC hours of the system clock.
    System,
    /// A file holding the epoch in decimal (tests only).
    File(PathBuf),
}

impl Clock {
    fn from_env() -> Clock {
        match std::env::var_os(TEST_CLOCK_ENV) {
            Some(path) if !path.is_empty() => Clock::File(PathBuf::from(path)),
            _ => Clock::System,
        }
    }

    fn now(&self) -> Result<Epoch, String> {
        match self {
            Clock::System => Ok(current_epoch()),
            Clock::File(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the test clock {}: {e}", path.display()))?;
                text.trim()
                    .parse()
                    .map(Epoch)
                    .map_err(|_| format!("the test clock {} holds no epoch number", path.display()))
            }
        }
    }

    fn tick(&self) -> Duration {
        match self {
            Clock::System => Duration::from_secs(1),
            Clock::File(_) => Duration::from_millis(100),
        }
    }
}

/// The key server and its directory, kept in step.
struct Inner {
    server: KeyServer,
    state: StateDir,
    /// Writing failed and the directory could not be reloaded: answer nothing.
    broken: bool,
}

/// What the handlers share.
struct App {
    inner: RwLock<Inner>,
    dir: PathBuf,
    clock: Clock,
    /// b64 of the schedule, as published.
    schedule: String,
    identifier: u16,
}

/// An answer other than 200.
#[derive(Debug)]
enum ApiError {
    Refused(ServerError),
    Malformed(String),
    TooLarge,
    Storage(String),
    Internal(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, code, message) = match self {
            ApiError::Refused(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                server_error_name(e),
                Some(e.code()),
                e.to_string(),
            ),
            ApiError::Malformed(m) => (StatusCode::BAD_REQUEST, MALFORMED_REQUEST, None, m),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                TOO_LARGE,
                None,
                format!("the body is over {MAX_BODY} bytes"),
            ),
            ApiError::Storage(m) => (StatusCode::INTERNAL_SERVER_ERROR, STORAGE, None, m),
            ApiError::Internal(m) => (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL, None, m),
        };
        error_response(status, error, code, message)
    }
}

fn error_response(status: StatusCode, error: &str, code: Option<u8>, message: String) -> Response {
    let body = ErrorBody {
        error: error.to_owned(),
        code,
        message,
    };
    (status, Json(body)).into_response()
}

impl App {
    fn now(&self) -> Result<Epoch, ApiError> {
        self.clock.now().map_err(|e| {
            eprintln!("error: {e}");
            ApiError::Internal("the server cannot read its clock".into())
        })
    }

    fn read(&self) -> Result<RwLockReadGuard<'_, Inner>, ApiError> {
        let inner = self
            .inner
            .read()
            .map_err(|_| ApiError::Internal("the server's state is poisoned".into()))?;
        if inner.broken {
            return Err(ApiError::Storage(
                "the state directory could not be reloaded".into(),
            ));
        }
        Ok(inner)
    }

    fn write(&self) -> Result<RwLockWriteGuard<'_, Inner>, ApiError> {
        let inner = self
            .inner
            .write()
            .map_err(|_| ApiError::Internal("the server's state is poisoned".into()))?;
        if inner.broken {
            return Err(ApiError::Storage(
                "the state directory could not be reloaded".into(),
            ));
        }
        Ok(inner)
    }

    /// After a failed write: the directory and the server may disagree, so reload both from
    /// the directory (store.rs: "drop the server and open the directory again").
    fn recover(&self, inner: &mut Inner, what: &str, e: &credkit_abe::Error) -> ApiError {
        eprintln!("error: cannot persist {what}: {e}; reloading the state directory");
        match open_state(&self.dir, &self.clock) {
            Ok((server, state, _)) => {
                inner.server = server;
                inner.state = state;
            }
            Err(reload) => {
                eprintln!("error: cannot reload the state directory: {reload}");
                inner.broken = true;
            }
        }
        ApiError::Storage(format!("cannot persist {what}"))
    }
}

/// Opens the directory and erases what is overdue; returns how many statements that made.
fn open_state(dir: &Path, clock: &Clock) -> Result<(KeyServer, StateDir, usize), CommandError> {
    let (mut server, mut state) =
        StateDir::open(dir).map_err(|e| abe_error(&format!("{}", dir.display()), &e))?;
    let now = clock.now().map_err(CommandError::input)?;
    let erased = state
        .erase_expired(&mut server, now)
        .map_err(|e| abe_error(&format!("{}: erasing", dir.display()), &e))?;
    Ok((server, state, erased.len()))
}

/// Runs `credkit epoch serve` until SIGTERM or SIGINT.
///
/// # Errors
/// An input error when the state directory cannot be opened or the address bound; an
/// internal error when the runtime cannot start or `out` cannot be written.
pub fn run(args: &ServeArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let clock = Clock::from_env();
    if let Clock::File(path) = &clock {
        eprintln!(
            "warning: test clock in use ({TEST_CLOCK_ENV}={}): the epoch is read from that file; never use it in production",
            path.display()
        );
    }
    let (server, state, erased) = open_state(&args.state, &clock)?;
    let schedule_bytes = std::fs::read(args.state.join("schedule.bin")).map_err(|e| {
        CommandError::input(format!(
            "{}: cannot read schedule.bin: {e}",
            args.state.display()
        ))
    })?;
    // `StateDir::open` validated the file; decode it again to publish exactly that schedule.
    let schedule =
        Schedule::from_bytes(&schedule_bytes).map_err(|e| abe_error("schedule.bin", &e))?;
    if schedule.digest() != server.schedule_digest() {
        return Err(CommandError::input(
            "schedule.bin changed while the server started",
        ));
    }
    let identifier = server.identifier().get();
    eprintln!(
        "key server {identifier}: {} node shares, {} records; erased {erased} at start",
        server.held_nodes().count(),
        server.held_records().count()
    );
    let app = Arc::new(App {
        inner: RwLock::new(Inner {
            server,
            state,
            broken: false,
        }),
        dir: args.state.clone(),
        clock,
        schedule: b64(&schedule_bytes),
        identifier,
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CommandError::internal(format!("cannot start the runtime: {e}")))?;
    let result = runtime.block_on(serve(app, args.listen, out));
    runtime.shutdown_timeout(Duration::from_secs(5));
    result
}

async fn serve(
    app: Arc<App>,
    listen: SocketAddr,
    out: &mut impl Write,
) -> Result<Status, CommandError> {
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        CommandError::input(format!("cannot listen on {listen}: {e}"))
            .with_hint("give a free address, or port 0 for any")
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| CommandError::internal(format!("cannot read the bound address: {e}")))?;
    writeln!(out, "listening on {addr}")?;
    out.flush()?;

    let last = app.clock.now().map_err(CommandError::input)?;
    tokio::spawn(erase_on_schedule(app.clone(), last));

    let router = router(app);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| CommandError::internal(format!("the server stopped: {e}")))?;
    eprintln!("stopped");
    Ok(Status::Success)
}

/// The routes, the body limit and the request log.
fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(SCHEDULE_PATH, get(schedule))
        .route(STATUS_PATH, get(status))
        .route(PARTIAL_PATH, post(partial))
        .route(RECORDS_PATH, post(store))
        .route(SHRED_PATH, post(shred))
        .route(DELETIONS_PATH, get(deletions))
        .fallback(not_found)
        .with_state(app)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(middleware::from_fn(log_and_limit))
}

/// Logs one line per request, refuses a declared body over the limit before reading it,
/// and gives a 405 a JSON body.
async fn log_and_limit(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "-".to_owned(), |c| c.0.to_string());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let response = if declared.is_some_and(|n| n > MAX_BODY as u64) {
        ApiError::TooLarge.into_response()
    } else {
        let response = next.run(request).await;
        if response.status() == StatusCode::METHOD_NOT_ALLOWED {
            error_response(
                StatusCode::METHOD_NOT_ALLOWED,
                METHOD_NOT_ALLOWED,
                None,
                format!("{method} is not allowed on {path}"),
            )
        } else {
            response
        }
    };
    let elapsed = start.elapsed();
    eprintln!(
        "{peer} {method} {path} {} {:.1}ms",
        response.status().as_u16(),
        elapsed.as_secs_f64() * 1000.0
    );
    response
}

async fn not_found() -> Response {
    error_response(
        StatusCode::NOT_FOUND,
        NOT_FOUND,
        None,
        "no such endpoint".into(),
    )
}

fn ok<T: Serialize>(body: T) -> Response {
    (StatusCode::OK, Json(body)).into_response()
}

/// The bytes inside a [`RequestBody`].
fn request_bytes(body: Result<Bytes, BytesRejection>) -> Result<Zeroizing<Vec<u8>>, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::Malformed("cannot read the body".into())
        }
    })?;
    let parsed: RequestBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::Malformed(format!("not a request body: {e}")))?;
    unb64(&parsed.request)
        .ok_or_else(|| ApiError::Malformed("`request` is not base64url without padding".into()))
}

/// Runs `f` on the blocking pool (CPU-bound or file system work under a lock).
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| ApiError::Internal("the request's task failed".into()))?
}

async fn schedule(State(app): State<Arc<App>>) -> Response {
    ok(ScheduleBody {
        schedule: app.schedule.clone(),
    })
}

async fn status(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let now = app.now()?;
    let inner = app.read()?;
    Ok(ok(StatusBody {
        identifier: app.identifier,
        now: now.0,
        nodes: inner.server.held_nodes().count() as u64,
        records: inner.server.held_records().count() as u64,
    }))
}

async fn partial(
    State(app): State<Arc<App>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = request_bytes(body)?;
    let request = PartialRequest::from_bytes(&bytes)
        .map_err(|_| ApiError::Malformed("not a partial request".into()))?;
    let now = app.now()?;
    let encoded = blocking(move || {
        let inner = app.read()?;
        let response = inner
            .server
            .partial_decrypt(&request, now)
            .map_err(ApiError::Refused)?;
        Ok(Zeroizing::new(b64(&response.to_bytes())))
    })
    .await?;
    Ok(ok(PartialBody {
        response: encoded.as_str().to_owned(),
    }))
}

async fn store(
    State(app): State<Arc<App>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = request_bytes(body)?;
    let request = StoreRequest::from_bytes(&bytes)
        .map_err(|_| ApiError::Malformed("not a store request".into()))?;
    let now = app.now()?;
    blocking(move || {
        let mut guard = app.write()?;
        let inner = &mut *guard;
        inner
            .server
            .store_record_share(&request, now)
            .map_err(ApiError::Refused)?;
        if let Err(e) = inner.state.persist_record(&inner.server, &request) {
            return Err(app.recover(inner, "the record share", &e));
        }
        Ok(())
    })
    .await?;
    Ok(ok(StoredBody { stored: true }))
}

async fn shred(
    State(app): State<Arc<App>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let bytes = request_bytes(body)?;
    let request = ShredRequest::from_bytes(&bytes)
        .map_err(|_| ApiError::Malformed("not a shred request".into()))?;
    let now = app.now()?;
    let statement = blocking(move || {
        let mut guard = app.write()?;
        let inner = &mut *guard;
        let statement = inner
            .server
            .shred(&request, now)
            .map_err(ApiError::Refused)?;
        if let Err(e) = inner
            .state
            .persist_shred(&inner.server, request.record_id())
        {
            return Err(app.recover(inner, "the shred", &e));
        }
        Ok(b64(&statement.to_bytes()))
    })
    .await?;
    Ok(ok(StatementBody { statement }))
}

async fn deletions(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let inner = app.read()?;
    let statements = inner
        .server
        .deletion_log()
        .iter()
        .map(|s| b64(&s.to_bytes()))
        .collect();
    Ok(ok(DeletionsBody { statements }))
}

/// Erases at each epoch boundary: looks at the clock every tick, and erases whenever the
/// epoch changed.
async fn erase_on_schedule(app: Arc<App>, mut last: Epoch) {
    let mut interval = tokio::time::interval(app.clock.tick());
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let now = match app.clock.now() {
            Ok(now) => now,
            Err(e) => {
                eprintln!("warning: {e}");
                continue;
            }
        };
        if now == last {
            continue;
        }
        last = now;
        let task = app.clone();
        let erased = blocking(move || {
            let mut guard = task.write()?;
            let inner = &mut *guard;
            match inner.state.erase_expired(&mut inner.server, now) {
                Ok(statements) => Ok(statements.len()),
                Err(e) => Err(task.recover(inner, "erasures", &e)),
            }
        })
        .await;
        match erased {
            Ok(n) => eprintln!("epoch {}: erased, {n} deletion statements", now.0),
            Err(e) => eprintln!("error: epoch {}: erasure failed: {e:?}", now.0),
        }
    }
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    eprintln!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_422_with_their_code() {
        let response = ApiError::Refused(ServerError::NodeNotYetValid).into_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn the_test_clock_reads_its_file() -> std::io::Result<()> {
        let file = std::env::temp_dir().join(format!("credkit-clock-{}", std::process::id()));
        std::fs::write(&file, "42\n")?;
        assert_eq!(Clock::File(file.clone()).now(), Ok(Epoch(42)));
        std::fs::write(&file, "x")?;
        assert!(Clock::File(file.clone()).now().is_err());
        std::fs::remove_file(&file)?;
        assert!(Clock::File(file).now().is_err());
        Ok(())
    }
}
