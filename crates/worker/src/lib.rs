//! Trellis background work: the job runner that `serve` runs in the background and
//! `jobs run --as-of` runs once, and mail delivery through lettre.

mod concerns;
mod digest;
pub mod mailer;
mod mentoring;
mod requests;
pub mod runner;
mod webhooks;
mod workspace;

pub use mailer::{MailTransport, Mailer};
pub use runner::{RunReport, Runner};
