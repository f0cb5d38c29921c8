//! Email messages: each is a subject, a plain-text body and an HTML body, composed here from
//! templates (`templates/mail/<name>.{txt,html}`) and queued by the store in the outbox in the
//! same transaction as the change that causes them.

use askama::Template;

/// A composed message, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to_email: String,
    pub to_name: String,
    /// The template's name, kept in the outbox for reporting and tests.
    pub template: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Everything a mail template may need about where the installation lives.
#[derive(Debug, Clone)]
pub struct Site {
    /// Base URL for links, without a trailing slash, e.g. `https://mentoring.example.org`.
    pub public_url: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "mail/verify_email.txt")]
struct VerifyText<'a> {
    site: &'a Site,
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/verify_email.html")]
struct VerifyHtml<'a> {
    site: &'a Site,
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/reset_password.txt")]
struct ResetText<'a> {
    site: &'a Site,
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/reset_password.html")]
struct ResetHtml<'a> {
    site: &'a Site,
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/password_changed.txt")]
struct ChangedText<'a> {
    site: &'a Site,
    name: &'a str,
}

#[derive(Template)]
#[template(path = "mail/password_changed.html")]
struct ChangedHtml<'a> {
    site: &'a Site,
    name: &'a str,
}

fn render(t: &impl Template) -> String {
    // Templates are checked at compile time and write into a String: rendering cannot fail
    // except for a formatter bug, which we would rather see loudly in the message than hide.
    t.render()
        .unwrap_or_else(|e| format!("(message could not be rendered: {e})"))
}

pub fn verify_email(site: &Site, to_email: &str, name: &str, token: &str) -> Message {
    let link = format!("{}/verify?token={token}", site.public_url);
    Message {
        to_email: to_email.into(),
        to_name: name.into(),
        template: "verify_email",
        subject: format!("Confirm your email address for {}", site.name),
        text: render(&VerifyText {
            site,
            name,
            link: &link,
        }),
        html: render(&VerifyHtml {
            site,
            name,
            link: &link,
        }),
    }
}

pub fn reset_password(site: &Site, to_email: &str, name: &str, token: &str) -> Message {
    let link = format!("{}/password/reset?token={token}", site.public_url);
    Message {
        to_email: to_email.into(),
        to_name: name.into(),
        template: "reset_password",
        subject: format!("Reset your {} password", site.name),
        text: render(&ResetText {
            site,
            name,
            link: &link,
        }),
        html: render(&ResetHtml {
            site,
            name,
            link: &link,
        }),
    }
}

pub fn password_changed(site: &Site, to_email: &str, name: &str) -> Message {
    Message {
        to_email: to_email.into(),
        to_name: name.into(),
        template: "password_changed",
        subject: format!("Your {} password was changed", site.name),
        text: render(&ChangedText { site, name }),
        html: render(&ChangedHtml { site, name }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        Site {
            public_url: "https://m.example.org".into(),
            name: "Trellis".into(),
        }
    }

    #[test]
    fn verification_mail_carries_the_link_in_both_bodies_and_escapes_html() {
        let m = verify_email(&site(), "ada@example.org", "Ada <b>", "tok123");
        assert!(m.text.contains("https://m.example.org/verify?token=tok123"));
        assert!(m.html.contains("https://m.example.org/verify?token=tok123"));
        assert!(
            m.html.contains("Ada &#60;b&#62;") || m.html.contains("Ada &lt;b&gt;"),
            "{}",
            m.html
        );
        assert!(m.text.contains("Ada <b>"));
        assert_eq!(m.template, "verify_email");
    }

    #[test]
    fn reset_mail_says_how_long_the_link_lasts() {
        let m = reset_password(&site(), "ada@example.org", "Ada", "t");
        assert!(m.text.contains("/password/reset?token=t"));
        assert!(m.text.contains("1 hour"));
    }
}
