//! Where the logs go and how they read: standard error, plain text (coloured only on a
//! terminal) or JSON lines (`TRELLIS_LOG_FORMAT=json`), filtered by `TRELLIS_LOG`. Spans are
//! kept for errors, so an unexpected error's log names the steps it happened in (the request,
//! the action or job with its ids, the query).

use std::io::IsTerminal;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The log filter when `TRELLIS_LOG` is not set.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn";

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

impl Format {
    /// `text` (the default) or `json`.
    pub fn parse(raw: Option<&str>) -> Result<Self, String> {
        match raw.map(str::trim) {
            None | Some("" | "text") => Ok(Self::Text),
            Some("json") => Ok(Self::Json),
            Some(other) => Err(format!(
                "TRELLIS_LOG_FORMAT must be text or json, not '{other}'"
            )),
        }
    }
}

/// A subscriber writing to `out` in `format`; colour only when `colour`.
pub fn subscriber<W>(
    format: Format,
    filter: EnvFilter,
    colour: bool,
    out: W,
) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
{
    let lines = match format {
        Format::Text => tracing_subscriber::fmt::layer()
            .with_ansi(colour)
            .with_writer(out)
            .boxed(),
        Format::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .with_span_list(true)
            .with_writer(out)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(lines.with_filter(filter))
        .with(tracing_error::ErrorLayer::default())
}

/// Sets up the process's logs from the environment.
pub fn init() -> Result<(), String> {
    let format = Format::parse(std::env::var("TRELLIS_LOG_FORMAT").ok().as_deref())?;
    let filter =
        EnvFilter::try_from_env("TRELLIS_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let colour = std::io::stderr().is_terminal();
    subscriber(format, filter, colour, std::io::stderr)
        .try_init()
        .map_err(|e| e.to_string())
}
