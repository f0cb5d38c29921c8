//! Integration tests: the real app on port 0, a fresh database per test, on SQLite and on
//! PostgreSQL (each test listed in `both_backends!` runs on both). One test binary, so the
//! suite builds once.

// A test that cannot unwrap has failed; the panic message says where.
#![allow(clippy::unwrap_used)]

mod helpers;
mod smtp_sink;

mod accounts;
mod api_contract;
mod backup;
mod browser;
mod cli;
mod concerns;
mod concurrent;
mod dashboard;
mod email_settings;
mod email_texts;
mod hardening;
mod home;
mod imports;
mod jobs;
mod leases;
mod logging;
mod matching;
mod mentoring;
mod my_data;
mod pages;
mod programmes;
mod queues;
mod request_tools;
mod requests;
mod upgrade;
mod webhooks;
mod workspace;
