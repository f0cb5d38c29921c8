//! A programme's own wording of its letters. Admins rewrite a letter's subject, its text and,
//! if they wish, its HTML, using `{name}` placeholders for the values the letter carries
//! (`{mentee}`, `{due}`, `{link}` …); `{button}` on a line of its own marks where the letter's
//! link goes. The greeting ("Hello Ada,") and the footer stay Trellis's own.
//!
//! Values are always inserted as text (escaped in HTML), and the HTML an admin writes is
//! sanitised to a small set of tags, so a wording can never inject markup or script.

use crate::error::{FieldError, Invalid};
use crate::mail::{Letter, concerns, meetings, mentoring, requests, workspace};

/// Where the letter's button goes in a wording.
pub const BUTTON: &str = "{button}";

const MAX_SUBJECT: usize = 200;
const MAX_TEXT: usize = 10_000;
const MAX_HTML: usize = 20_000;

/// A programme's wording of one letter, checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Wording {
    pub subject: String,
    /// Paragraphs separated by blank lines.
    pub text: String,
    /// An HTML body; `None` renders the text's paragraphs.
    pub html: Option<String>,
}

type Values<'a> = &'a dyn Fn(&'static str) -> String;

/// One letter a programme may reword: its template name, when it is sent, and how to build
/// it from named values.
pub struct Entry {
    pub template: &'static str,
    pub when: &'static str,
    build: fn(Values<'_>) -> Letter,
}

/// The letters a programme may reword, in the order a member meets them.
pub const CATALOGUE: &[Entry] = &[
    Entry {
        template: "application_received",
        when: "to a member who has applied to mentor",
        build: |a| mentoring::application_received(&a("programme"), &a("link"), true),
    },
    Entry {
        template: "application_submitted",
        when: "to the director when a mentor application arrives",
        build: |a| {
            mentoring::application_to_review(&a("programme"), &a("applicant"), &a("link"), false)
        },
    },
    Entry {
        template: "application_resubmitted",
        when: "to the director when an applicant answers a question",
        build: |a| {
            mentoring::application_to_review(&a("programme"), &a("applicant"), &a("link"), true)
        },
    },
    Entry {
        template: "application_clarification",
        when: "to an applicant the director asks a question",
        build: |a| mentoring::clarification_requested(&a("programme"), &a("question"), &a("link")),
    },
    Entry {
        template: "application_approved",
        when: "to an applicant who is approved as a mentor",
        build: |a| mentoring::approved(&a("programme"), &a("link")),
    },
    Entry {
        template: "application_declined",
        when: "to an applicant who is not approved",
        build: |a| mentoring::declined(&a("programme"), &a("reason")),
    },
    Entry {
        template: "application_reminder",
        when: "to the director when an application nears its decision target",
        build: |a| {
            mentoring::review_reminder(&a("programme"), &a("applicant"), &a("target"), &a("link"))
        },
    },
    Entry {
        template: "refresh_request",
        when: "to every listed mentor in the annual directory refresh",
        build: |a| mentoring::refresh_request(&a("programme"), &a("deadline"), &a("link")),
    },
    Entry {
        template: "refresh_reminder",
        when: "half-way through the refresh, to mentors who have not confirmed",
        build: |a| mentoring::refresh_reminder(&a("programme"), &a("deadline"), &a("link")),
    },
    Entry {
        template: "refresh_unlisted",
        when: "to a mentor taken out of the directory after the refresh",
        build: |a| mentoring::refresh_unlisted(&a("programme"), &a("link")),
    },
    Entry {
        template: "request_offered",
        when: "to a mentor offered a mentee's request (named by the mentee or the director)",
        build: |a| {
            requests::offer_to_mentor(&a("programme"), &a("mentee"), &a("due"), &a("link"), false)
        },
    },
    Entry {
        template: "request_with_mentor",
        when: "to the mentee each time their request reaches a mentor",
        build: |a| requests::with_mentor(&a("programme"), &a("mentor"), &a("due"), &a("link")),
    },
    Entry {
        template: "request_skipped",
        when: "to the mentee when a named mentor cannot be offered the request",
        build: |a| requests::skipped(&a("programme"), &a("mentor"), &a("why"), &a("link")),
    },
    Entry {
        template: "request_declined",
        when: "to the mentee when a mentor declines",
        build: |a| requests::declined(&a("programme"), &a("mentor"), &a("link")),
    },
    Entry {
        template: "request_passed_on",
        when: "to a mentor whose reply time ran out",
        build: |a| requests::passed_on(&a("programme"), &a("mentee")),
    },
    Entry {
        template: "request_rerouted",
        when: "to a mentor whose request the office passed on",
        build: |a| requests::rerouted(&a("programme"), &a("mentee")),
    },
    Entry {
        template: "request_nudge",
        when: "to a mentor the office asks to reply",
        build: |a| requests::nudge(&a("programme"), &a("mentee"), &a("due"), &a("link")),
    },
    Entry {
        template: "request_reminder",
        when: "to a mentor before their reply time ends",
        build: |a| requests::reminder(&a("programme"), &a("mentee"), &a("due"), &a("link")),
    },
    Entry {
        template: "request_escalated",
        when: "to the mentee when none of their mentors could take the request",
        build: |a| requests::escalated_to_mentee(&a("programme"), &a("link")),
    },
    Entry {
        template: "request_to_director",
        when: "to the director when a request comes to them",
        build: |a| requests::escalated_to_director(&a("programme"), &a("mentee"), &a("link")),
    },
    Entry {
        template: "request_allocated",
        when: "to both members when a mentor accepts: each gets the other's address",
        build: |a| {
            requests::allocated(
                &a("programme"),
                &a("other_role"),
                &a("other_name"),
                &a("other_email"),
                &a("link"),
                &a("minutes"),
            )
        },
    },
    Entry {
        template: "request_withdrawn",
        when: "to the mentor holding a request the mentee withdrew",
        build: |a| requests::withdrawn_to_mentor(&a("programme"), &a("mentee")),
    },
    Entry {
        template: "request_closed",
        when: "to the mentee when the director closes their request",
        build: |a| requests::closed(&a("programme"), &a("message")),
    },
    Entry {
        template: "relationship_welcome",
        when: "to members put in a relationship by staff",
        build: |a| workspace::welcome(&a("programme"), &a("others"), &a("link")),
    },
    Entry {
        template: "meeting_invitation",
        when: "to the other members when a meeting is set or moved (with the .ics)",
        build: |a| {
            meetings::invitation(
                &a("programme"),
                &a("others"),
                &a("when"),
                &a("mode"),
                &a("link"),
                false,
            )
        },
    },
    Entry {
        template: "meeting_cancelled",
        when: "to the other members when a meeting is cancelled",
        build: |a| meetings::cancelled(&a("programme"), &a("others"), &a("when"), &a("link")),
    },
    Entry {
        template: "evaluation_due",
        when: "to each member when a periodic evaluation is due",
        build: |a| workspace::evaluation_due(&a("programme"), &a("others"), &a("link")),
    },
    Entry {
        template: "thank_you_note",
        when: "to the mentor when the mentee leaves a thank-you note",
        build: |a| workspace::thank_you(&a("programme"), &a("from"), &a("link")),
    },
    Entry {
        template: "concern_to_handler",
        when: "to the handlers when a concern is reported",
        build: |a| concerns::to_handler(&a("programme"), &a("link"), &a("days")),
    },
    Entry {
        template: "concern_received",
        when: "to the member who reported a concern",
        build: |a| concerns::received(&a("programme"), &a("link"), &a("days")),
    },
    Entry {
        template: "concern_update",
        when: "to the reporter when the handler writes or the concern changes state",
        build: |a| concerns::update(&a("programme"), &a("status"), &a("link")),
    },
    Entry {
        template: "concern_reminder",
        when: "to handlers of a concern not yet acknowledged",
        build: |a| concerns::reminder(&a("programme"), &a("link")),
    },
    Entry {
        template: "concern_escalated",
        when: "to the chair when a concern was not acknowledged in time",
        build: |a| concerns::escalated(&a("programme"), &a("link")),
    },
    Entry {
        template: "relationship_paused",
        when: "to the members of a relationship paused while a concern is handled",
        build: |a| concerns::paused(&a("programme"), &a("link")),
    },
    Entry {
        template: "relationship_resumed",
        when: "to the members of a relationship whose pause is lifted",
        build: |a| concerns::resumed(&a("programme"), &a("link")),
    },
];

/// The catalogue entry of a template name.
pub fn entry(template: &str) -> Option<&'static Entry> {
    CATALOGUE.iter().find(|e| e.template == template)
}

/// Made-up values for previews.
fn sample_value(name: &'static str) -> String {
    match name {
        "programme" => "Nursing Mentoring",
        "link" => "https://mentoring.example.org/requests/42",
        "mentee" | "applicant" | "from" => "Ada Lovelace",
        "mentor" | "other_name" => "Grace Hopper",
        "others" => "Grace Hopper",
        "other_role" => "mentor",
        "other_email" => "grace@example.org",
        "due" | "deadline" | "target" => "14 December 2026",
        "when" => "Tuesday 8 December 2026, 14:00 (Europe/London)",
        "mode" => "video call",
        "minutes" => "60 to 90",
        "days" => "5",
        "status" => "acknowledged",
        "why" => "is not taking mentees until March",
        "question" => "Could you say more about your supervision experience?",
        "reason" => "The programme has enough mentors in this area this year.",
        "message" => "We will open a new intake in the spring; please apply again then.",
        _ => "…",
    }
    .to_owned()
}

impl Entry {
    /// The letter as members get it, with made-up values.
    pub fn sample(&self) -> Letter {
        (self.build)(&sample_value)
    }

    /// The letter as members of `programme` get it, with made-up people and dates.
    pub fn sample_in(&self, programme: &str) -> Letter {
        (self.build)(&|n| match n {
            "programme" => programme.to_owned(),
            _ => sample_value(n),
        })
    }

    /// Trellis's own wording, with each value as its placeholder.
    pub fn default_wording(&self) -> Wording {
        let l = (self.build)(&|n| format!("{{{n}}}"));
        let mut paras = l.paragraphs.clone();
        if l.action.is_some() {
            paras.push(BUTTON.to_owned());
        }
        paras.extend(l.after.iter().cloned());
        Wording {
            subject: l.subject,
            text: paras.join("\n\n"),
            html: None,
        }
    }

    /// The placeholders a wording of this letter may use: its values, and `link` and
    /// `button` when it has a link.
    pub fn placeholders(&self) -> Vec<&'static str> {
        let l = self.sample();
        let mut names: Vec<&'static str> = l.vars.iter().map(|(n, _)| *n).collect();
        if l.action.is_some() {
            names.extend(["link", "button"]);
        }
        names
    }

    /// Checks a wording typed by an admin: lengths, and only known placeholders.
    pub fn check(&self, subject: &str, text: &str, html: &str) -> Result<Wording, Invalid> {
        let names = self.placeholders();
        let in_subject: Vec<&'static str> =
            names.iter().copied().filter(|n| *n != "button").collect();
        let mut invalid = Invalid::default();
        let subject = subject.trim();
        if subject.is_empty() {
            invalid.push(FieldError::new("subject", "Give the letter a subject"));
        } else if subject.chars().count() > MAX_SUBJECT || subject.contains('\n') {
            invalid.push(FieldError::new(
                "subject",
                format!("The subject is one line of at most {MAX_SUBJECT} characters"),
            ));
        } else {
            invalid.check(known("subject", subject, &in_subject));
        }
        let text = text.trim().replace("\r\n", "\n");
        if text.is_empty() {
            invalid.push(FieldError::new("text", "Write the letter's text"));
        } else if text.chars().count() > MAX_TEXT {
            invalid.push(FieldError::new(
                "text",
                format!("The text is at most {MAX_TEXT} characters"),
            ));
        } else {
            invalid.check(known("text", &text, &names));
        }
        let html = html.trim().replace("\r\n", "\n");
        if html.chars().count() > MAX_HTML {
            invalid.push(FieldError::new(
                "html",
                format!("The HTML is at most {MAX_HTML} characters"),
            ));
        } else {
            invalid.check(known("html", &html, &names));
        }
        if !invalid.is_empty() {
            return Err(invalid);
        }
        Ok(Wording {
            subject: subject.to_owned(),
            text,
            html: (!html.is_empty()).then_some(html),
        })
    }
}

/// A piece of a wording: text as written, or a placeholder's name.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(String),
    Value(&'a str),
}

/// Splits a wording into text and placeholders; `{{` and `}}` are literal braces.
fn pieces(s: &str) -> Result<Vec<Piece<'_>>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("{{") || rest.starts_with("}}") {
            text.push(c);
            rest = &rest[2..];
        } else if c == '{' {
            let Some(end) = rest.find('}') else {
                return Err("A '{' is not closed: write {{ for a brace".into());
            };
            let name = &rest[1..end];
            if name.is_empty() || !name.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_') {
                return Err(format!(
                    "'{{{name}}}' is not a placeholder: write {{{{ for a brace"
                ));
            }
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Value(name));
            rest = &rest[end + 1..];
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

fn known(field: &'static str, s: &str, names: &[&'static str]) -> Result<(), FieldError> {
    for p in pieces(s).map_err(|m| FieldError::new(field, m))? {
        if let Piece::Value(name) = p
            && !names.contains(&name)
        {
            let known: Vec<String> = names.iter().map(|n| format!("{{{n}}}")).collect();
            return Err(FieldError::new(
                field,
                format!(
                    "{{{name}}} is not a value of this letter; it has {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Fills a wording's placeholders; `escape` is applied to each value. A placeholder the
/// letter does not carry (a wording saved before the letter changed) stays as written.
fn fill(s: &str, values: &[(&'static str, String)], escape: fn(&str) -> String) -> String {
    let Ok(ps) = pieces(s) else {
        return s.to_owned();
    };
    let mut out = String::with_capacity(s.len());
    for p in ps {
        match p {
            Piece::Text(t) => out.push_str(&t),
            Piece::Value(name) => match values.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => out.push_str(&escape(v)),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

fn as_is(s: &str) -> String {
    s.to_owned()
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Keeps only simple formatting and links from an admin's HTML.
fn sanitise(html: &str) -> String {
    let tags = [
        "p",
        "br",
        "strong",
        "em",
        "b",
        "i",
        "a",
        "ul",
        "ol",
        "li",
        "h2",
        "h3",
        "blockquote",
    ];
    ammonia::Builder::default()
        .tags(tags.into_iter().collect())
        .clean(html)
        .to_string()
}

/// The letter in the programme's wording: same template, action and values.
pub fn reword(letter: &Letter, w: &Wording) -> Letter {
    let mut values = letter.vars.clone();
    if let Some((_, url)) = &letter.action {
        values.push(("link", url.clone()));
    }
    let mut paragraphs = Vec::new();
    let mut after = Vec::new();
    let mut past_button = false;
    for para in w
        .text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if para == BUTTON {
            past_button = true;
        } else if past_button {
            after.push(fill(para, &values, as_is));
        } else {
            paragraphs.push(fill(para, &values, as_is));
        }
    }
    let html = w.html.as_deref().map(|h| {
        let (before, rest) = h.split_once(BUTTON).unwrap_or((h, ""));
        (
            sanitise(&fill(before, &values, escape_html)),
            sanitise(&fill(rest, &values, escape_html)),
        )
    });
    Letter {
        template: letter.template,
        subject: fill(&w.subject, &values, as_is),
        paragraphs,
        action: letter.action.clone(),
        after,
        vars: letter.vars.clone(),
        html,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::mail::Site;

    fn site() -> Site {
        Site {
            public_url: "https://m.example.org".into(),
            name: "Trellis".into(),
        }
    }

    #[test]
    fn every_letter_in_its_default_wording_is_the_letter_itself() {
        // If a letter said something not carried as a value, rewording it with its own
        // default would change it: this keeps the catalogue and the letters in step.
        for e in CATALOGUE {
            let sample = e.sample();
            assert_eq!(sample.template, e.template);
            let w = e.default_wording();
            let checked = e
                .check(&w.subject, &w.text, "")
                .unwrap_or_else(|err| panic!("{}: {err:?}", e.template));
            let again = reword(&sample, &checked);
            let (a, b) = (
                sample.to(&site(), "a@example.org", "Ada"),
                again.to(&site(), "a@example.org", "Ada"),
            );
            assert_eq!(a, b, "{}", e.template);
        }
    }

    #[test]
    fn templates_in_the_catalogue_are_unique() {
        let mut names: Vec<_> = CATALOGUE.iter().map(|e| e.template).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CATALOGUE.len());
    }

    #[test]
    fn a_wording_fills_values_and_places_the_button() {
        let e = entry("request_offered").unwrap_or_else(|| panic!("missing"));
        let w = e
            .check(
                "{mentee} would like you as mentor",
                "Dear colleague,\n\n{mentee} chose you. Reply by {due}.\n\n{button}\n\nThanks, the {programme} office. {{not a value}}",
                "",
            )
            .unwrap_or_else(|err| panic!("{err:?}"));
        let l = reword(&e.sample(), &w);
        assert_eq!(l.subject, "Ada Lovelace would like you as mentor");
        assert_eq!(
            l.paragraphs,
            vec![
                "Dear colleague,",
                "Ada Lovelace chose you. Reply by 14 December 2026."
            ]
        );
        assert_eq!(
            l.after,
            vec!["Thanks, the Nursing Mentoring office. {not a value}"]
        );
        let m = l.to(&site(), "g@example.org", "Grace");
        assert!(m.text.contains("https://mentoring.example.org/requests/42"));
    }

    #[test]
    fn unknown_placeholders_and_bad_braces_are_refused_by_field() {
        let e = entry("request_declined").unwrap_or_else(|| panic!("missing"));
        let err = e.check("About {mentee}", "Hello", "").unwrap_err();
        assert_eq!(err.0[0].field, "subject");
        assert!(
            err.0[0].message.contains("{mentor}"),
            "{}",
            err.0[0].message
        );
        let err = e.check("Fine", "Open { brace", "").unwrap_err();
        assert_eq!(err.0[0].field, "text");
        let err = e.check("Fine", "Fine", "<p>{Mentor}</p>").unwrap_err();
        assert_eq!(err.0[0].field, "html");
        // A letter with no link has no {button} and no {link}.
        let passed = entry("request_passed_on").unwrap_or_else(|| panic!("missing"));
        assert!(passed.check("x", "{button}", "").is_err());
        assert!(passed.check("x", "{link}", "").is_err());
        let err = e.check("", "", "").unwrap_err();
        assert_eq!(err.0.len(), 2);
    }

    #[test]
    fn html_wording_is_sanitised_and_values_escaped() {
        let e = entry("request_declined").unwrap_or_else(|| panic!("missing"));
        let w = e
            .check(
                "x",
                "text",
                "<h2>Sorry</h2><p onclick=\"x()\">{mentor} cannot</p><script>alert(1)</script>{button}<p><a href=\"javascript:alert(1)\">bad</a></p>",
            )
            .unwrap_or_else(|err| panic!("{err:?}"));
        let mut l = e.sample();
        l.vars = vec![("mentor", "<img src=x onerror=alert(1)>".into())];
        let l = reword(&l, &w);
        let (before, after) = l.html.clone().unwrap_or_default();
        assert!(before.contains("<h2>Sorry</h2>"), "{before}");
        assert!(before.contains("&lt;img"), "{before}");
        assert!(!before.contains("<img"), "{before}");
        assert!(!before.contains("onclick") && !before.contains("script"));
        assert!(!after.contains("javascript"), "{after}");
        let m = l.to(&site(), "a@example.org", "Ada");
        assert!(m.html.contains("<h2>Sorry</h2>"));
        // The button is still there, between the two parts.
        let (b, a) = (
            m.html.find("Sorry").unwrap_or(0),
            m.html.find("Follow your request").unwrap_or(0),
        );
        assert!(b > 0 && a > b, "{}", m.html);
        // The text body keeps the typed text.
        assert!(m.text.contains("text"));
    }

    #[test]
    fn a_wording_without_the_button_still_carries_the_link() {
        let e = entry("request_with_mentor").unwrap_or_else(|| panic!("missing"));
        let w = e
            .check("Sent to {mentor}", "It is with {mentor}.", "")
            .unwrap_or_else(|err| panic!("{err:?}"));
        let m = reword(&e.sample(), &w).to(&site(), "a@example.org", "Ada");
        assert!(m.text.contains("It is with Grace Hopper."));
        assert!(m.text.contains("https://mentoring.example.org/requests/42"));
        assert!(m.html.contains("https://mentoring.example.org/requests/42"));
    }
}
