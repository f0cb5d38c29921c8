//! Trellis domain rules: the types every other layer shares, parsed once at the edge, and
//! the rules that decide what is allowed. Nothing here does I/O: time comes in through
//! [`clock::Clock`], and results go out as values.

pub mod account;
pub mod application;
pub mod audit;
pub mod calendar;
pub mod clock;
pub mod cohort;
pub mod concern;
pub mod dashboard;
pub mod dates;
pub mod development;
pub mod directory;
pub mod directory_index;
pub mod email_text;
pub mod error;
pub mod evaluation;
pub mod home;
pub mod import;
pub mod mail;
pub mod meeting;
pub mod member_list;
pub mod names;
pub mod notify;
pub mod profile;
pub mod programme;
pub mod request;
pub mod role;
pub mod spreadsheet;
pub mod webhook;
pub mod workspace;

pub use error::{FieldError, Invalid};
