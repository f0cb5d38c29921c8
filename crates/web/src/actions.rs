//! What people can do, written once and called by both the pages and the API. Each action
//! parses its input into domain types, checks the access rule, and writes its change, audit
//! row and mail in one transaction.

pub mod accounts;
pub mod concerns;
pub mod dashboard;
pub mod development;
pub mod email_texts;
pub mod exports;
pub mod imports;
pub mod matching;
pub mod meetings;
pub mod mentors;
pub mod my_data;
pub mod notifications;
pub mod programmes;
pub mod queues;
pub mod relationships;
pub mod requests;
pub mod taxonomy;
pub mod webhooks;
