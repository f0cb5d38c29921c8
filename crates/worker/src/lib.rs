//! Trellis background work: the job runner's loop (what each job does, and everything around
//! it, is `trellis_app::jobs`), and the couriers jobs reach the world with: mail delivery
//! through lettre and webhook posts through reqwest.

pub mod mailer;
pub mod runner;
mod webhooks;

pub use mailer::{MailTransport, Mailer};
pub use runner::{Lease, RunReport, Runner};
pub use webhooks::install_ring;
