//! Delivering outbox messages: to `.eml` files (the default, for demos and tests) or to an
//! SMTP server.
//!
//! What is guaranteed: a queued message is handed to the transport until one attempt succeeds
//! (retried with back-off for about a day and a half), and at most one runner attempts it at a
//! time (the job lease). Success is recorded after the transport accepts the message; if the
//! runner dies between the SMTP server's acceptance and that record, the message is sent once
//! more after the lease runs out, with the same Message-ID, which mail systems use to drop
//! duplicates. With the file transport a repeat overwrites the same file (named by the
//! Message-ID), so the file transport is exactly-once.

use anyhow::{Context, Result, anyhow};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart, header};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use trellis_app::jobs::OutboxMail;

/// Where mail goes.
#[derive(Clone)]
pub enum MailTransport {
    /// One `.eml` file per message in this folder.
    File(PathBuf),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl std::fmt::Debug for MailTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(p) => write!(f, "File({})", p.display()),
            Self::Smtp(_) => f.write_str("Smtp"),
        }
    }
}

impl MailTransport {
    /// `file` (with the folder given) or an `smtp://` / `smtps://` URL
    /// (`smtp://user:pass@host:587?tls=required` for STARTTLS).
    pub fn parse(spec: &str, file_dir: PathBuf) -> Result<Self> {
        if spec == "file" {
            return Ok(Self::File(file_dir));
        }
        if spec.starts_with("smtp://") || spec.starts_with("smtps://") {
            let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(spec)
                .with_context(|| "mail transport: not a valid smtp:// URL")?
                .timeout(Some(Duration::from_secs(30)))
                .build();
            return Ok(Self::Smtp(t));
        }
        Err(anyhow!(
            "mail transport must be 'file' or an smtp:// or smtps:// URL, not '{spec}'"
        ))
    }
}

/// A body part sent as 7bit (ASCII) or 8bit (UTF-8) text with CRLF line ends, rather than
/// quoted-printable, so that links stay whole in the raw message. RFC 5322 allows lines of up
/// to 998 characters; a body with longer lines (or NULs) falls back to lettre's own choice.
fn part(content_type: header::ContentType, body: &str) -> SinglePart {
    let crlf = body.replace("\r\n", "\n").replace('\n', "\r\n");
    let fits = !crlf.contains('\0')
        && crlf
            .split("\r\n")
            .all(|line| line.len() <= 998 && !line.contains('\r'));
    let builder = SinglePart::builder().header(content_type);
    if fits {
        let encoding = if crlf.is_ascii() {
            header::ContentTransferEncoding::SevenBit
        } else {
            header::ContentTransferEncoding::EightBit
        };
        builder.body(Body::dangerous_pre_encoded(crlf.into_bytes(), encoding))
    } else {
        builder.body(body.to_owned())
    }
}

/// Text and HTML alternatives; with a calendar, inside `multipart/mixed` with the invitation
/// as `invite.ics` (its METHOD also in the content type, as calendar clients expect).
fn body(m: &OutboxMail) -> Result<MultiPart> {
    let alternative = MultiPart::alternative()
        .singlepart(part(header::ContentType::TEXT_PLAIN, &m.text_body))
        .singlepart(part(header::ContentType::TEXT_HTML, &m.html_body));
    let Some(ics) = &m.calendar else {
        return Ok(alternative);
    };
    let method = trellis_domain::calendar::method_of(ics);
    let content_type = header::ContentType::parse(&format!(
        "text/calendar; charset=utf-8; method={method}; name=\"invite.ics\""
    ))
    .context("calendar content type")?;
    let attachment = SinglePart::builder()
        .header(content_type)
        .header(header::ContentDisposition::attachment("invite.ics"))
        .body(Body::new(ics.clone()));
    Ok(MultiPart::mixed()
        .multipart(alternative)
        .singlepart(attachment))
}

#[derive(Debug, Clone)]
pub struct Mailer {
    transport: MailTransport,
    from: Mailbox,
}

impl Mailer {
    pub fn new(transport: MailTransport, from: &str) -> Result<Self> {
        let from: Mailbox = from
            .parse()
            .with_context(|| format!("mail from address '{from}' is not valid"))?;
        Ok(Self { transport, from })
    }

    /// The RFC 5322 message for an outbox row: text and HTML alternatives, the stored
    /// Message-ID, and the time it was queued as its Date.
    pub fn build(&self, m: &OutboxMail) -> Result<lettre::Message> {
        let to = Mailbox::new(
            Some(m.to_name.clone()),
            m.to_email
                .parse()
                .with_context(|| format!("bad recipient {}", m.to_email))?,
        );
        let date: SystemTime = m.created_at.into();
        lettre::Message::builder()
            .message_id(Some(m.message_id.clone()))
            .from(self.from.clone())
            .to(to)
            .subject(m.subject.clone())
            .date(date)
            .raw_header(header::HeaderValue::new(
                header::HeaderName::new_from_ascii_str("X-Trellis-Template"),
                m.template.clone(),
            ))
            .multipart(body(m)?)
            .context("building the message")
    }

    pub async fn deliver(&self, m: &OutboxMail) -> Result<()> {
        let message = self.build(m)?;
        match &self.transport {
            MailTransport::File(dir) => {
                tokio::fs::create_dir_all(dir)
                    .await
                    .with_context(|| format!("creating {}", dir.display()))?;
                let local = m
                    .message_id
                    .trim_matches(['<', '>'])
                    .split('@')
                    .next()
                    .unwrap_or_default();
                let name: String = local
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                let path = dir.join(format!("{name}.eml"));
                let tmp = dir.join(format!(".{name}.tmp"));
                tokio::fs::write(&tmp, message.formatted())
                    .await
                    .with_context(|| format!("writing {}", tmp.display()))?;
                tokio::fs::rename(&tmp, &path)
                    .await
                    .with_context(|| format!("renaming to {}", path.display()))?;
            }
            MailTransport::Smtp(t) => {
                t.send(message).await.context("SMTP delivery")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(text: &str) -> OutboxMail {
        OutboxMail {
            id: 1,
            message_id: "<abc-123@m.example.org>".into(),
            to_email: "ada@example.org".into(),
            to_name: "Ada Lovelace".into(),
            template: "verify_email".into(),
            subject: "Confirm your email address".into(),
            text_body: text.into(),
            html_body: "<p>Hello</p>".into(),
            calendar: None,
            created_at: chrono::DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
                .map(|d| d.to_utc())
                .expect("time"),
            sent_at: None,
        }
    }

    fn raw(text: &str) -> String {
        let m = Mailer::new(
            MailTransport::File(PathBuf::from("/nonexistent")),
            "Trellis <no-reply@m.example.org>",
        )
        .expect("mailer");
        String::from_utf8(m.build(&mail(text)).expect("build").formatted()).expect("utf-8")
    }

    #[test]
    fn messages_carry_the_stored_id_date_and_both_bodies() {
        let r = raw("Hello");
        assert!(r.contains("Message-ID: <abc-123@m.example.org>"), "{r}");
        assert!(r.contains("Date: Mon, 23 Nov 2026 08:00:00 +0000"));
        assert!(r.contains("X-Trellis-Template: verify_email"));
        assert!(r.contains("multipart/alternative"));
        assert!(
            r.contains("Content-Type: text/plain; charset=utf-8")
                && r.contains("Content-Type: text/html; charset=utf-8")
        );
    }

    #[test]
    fn an_invitation_goes_as_an_ics_attachment_with_its_method() {
        let mut m = mail("You are invited");
        m.calendar = Some("BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into());
        let r = String::from_utf8(
            Mailer::new(
                MailTransport::File(PathBuf::from("/x")),
                "Trellis <t@m.example.org>",
            )
            .expect("mailer")
            .build(&m)
            .expect("build")
            .formatted(),
        )
        .expect("utf-8");
        assert!(
            r.contains("multipart/mixed") && r.contains("multipart/alternative"),
            "{r}"
        );
        assert!(
            r.contains("Content-Type: text/calendar; charset=utf-8; method=REQUEST"),
            "{r}"
        );
        assert!(
            r.contains("Content-Disposition: attachment; filename=\"invite.ics\""),
            "{r}"
        );
        assert!(r.contains("METHOD:REQUEST"));
        assert!(!raw("Hello").contains("text/calendar"));
    }

    #[test]
    fn long_links_stay_whole_and_non_ascii_goes_as_8bit() {
        let link = format!(
            "https://mentoring.example-society.org/verify?token={}",
            "f".repeat(64)
        );
        let r = raw(&format!("Hello José,\n\n{link}\n"));
        assert!(r.contains(&link), "{r}");
        assert!(r.contains("Content-Transfer-Encoding: 8bit"));
        let r = raw(&format!("Hello Jose,\n\n{link}\n"));
        assert!(r.contains(&link) && r.contains("Content-Transfer-Encoding: 7bit"));
        // Lines beyond what SMTP allows fall back to lettre's own (safe) encoding.
        let r = raw(&"x".repeat(2000));
        assert!(!r.contains(&"x".repeat(1000)));
    }

    #[tokio::test]
    async fn transports_are_parsed_from_settings() {
        assert!(matches!(
            MailTransport::parse("file", PathBuf::from("d")),
            Ok(MailTransport::File(_))
        ));
        assert!(matches!(
            MailTransport::parse("smtp://127.0.0.1:2525", PathBuf::from("d")),
            Ok(MailTransport::Smtp(_))
        ));
        assert!(MailTransport::parse("carrier-pigeon", PathBuf::from("d")).is_err());
        assert!(Mailer::new(MailTransport::File(PathBuf::from("d")), "not an address").is_err());
    }
}
