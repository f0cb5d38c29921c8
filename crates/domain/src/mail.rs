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
    /// An iCalendar object sent as an `invite.ics` attachment (a meeting invitation).
    pub calendar: Option<String>,
}

/// Everything a mail template may need about where the installation lives.
#[derive(Debug, Clone)]
pub struct Site {
    /// Base URL for links, without a trailing slash, e.g. `https://mentoring.example.org`.
    pub public_url: String,
    pub name: String,
}

/// Most messages are a greeting, a few paragraphs and perhaps one link to act on: one pair of
/// templates (`mail/letter.{txt,html}`) renders them all.
#[derive(Debug, Clone)]
pub struct Letter {
    pub template: &'static str,
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// Button text and absolute URL.
    pub action: Option<(String, String)>,
    /// Said after the link.
    pub after: Vec<String>,
    /// The values a programme's own wording of this letter may use, as `{name}`
    /// placeholders (see [`crate::email_text`]).
    pub vars: Vec<(&'static str, String)>,
    /// A programme's own HTML for the body, sanitised: what comes before the button and
    /// after it. `None` renders the paragraphs.
    pub html: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "mail/letter.txt")]
struct LetterText<'a> {
    site: &'a Site,
    name: &'a str,
    l: &'a Letter,
}

#[derive(Template)]
#[template(path = "mail/letter.html")]
struct LetterHtml<'a> {
    site: &'a Site,
    name: &'a str,
    l: &'a Letter,
}

fn render(t: &impl Template) -> String {
    // Templates are checked at compile time and write into a String: rendering cannot fail
    // except for a formatter bug, which we would rather see loudly in the message than hide.
    t.render()
        .unwrap_or_else(|e| format!("(message could not be rendered: {e})"))
}

impl Letter {
    pub fn new(template: &'static str, subject: impl Into<String>) -> Self {
        Self {
            template,
            subject: subject.into(),
            paragraphs: Vec::new(),
            action: None,
            after: Vec::new(),
            vars: Vec::new(),
            html: None,
        }
    }

    /// Records a value the programme's own wording may use as `{name}`.
    pub fn var(mut self, name: &'static str, value: impl ToString) -> Self {
        self.vars.push((name, value.to_string()));
        self
    }

    pub fn para(mut self, p: impl Into<String>) -> Self {
        self.paragraphs.push(p.into());
        self
    }

    pub fn action(mut self, label: impl Into<String>, url: impl Into<String>) -> Self {
        self.action = Some((label.into(), url.into()));
        self
    }

    pub fn after(mut self, p: impl Into<String>) -> Self {
        self.after.push(p.into());
        self
    }

    /// The message to `name <to_email>`.
    pub fn to(&self, site: &Site, to_email: &str, name: &str) -> Message {
        Message {
            to_email: to_email.into(),
            to_name: name.into(),
            template: self.template,
            subject: self.subject.clone(),
            text: render(&LetterText {
                site,
                name,
                l: self,
            }),
            html: render(&LetterHtml {
                site,
                name,
                l: self,
            }),
            calendar: None,
        }
    }
}

pub fn verify_email(site: &Site, to_email: &str, name: &str, token: &str) -> Message {
    Letter::new("verify_email", format!("Confirm your email address for {}", site.name))
        .para(format!("Please confirm your email address for {} by opening this link:", site.name))
        .action("Confirm my email address", format!("{}/verify?token={token}", site.public_url))
        .after("The link works for 7 days and only once. If you did not register, ignore this message and nothing will happen.")
        .to(site, to_email, name)
}

pub fn reset_password(site: &Site, to_email: &str, name: &str, token: &str) -> Message {
    Letter::new("reset_password", format!("Reset your {} password", site.name))
        .para(format!("Someone asked to reset the password of your {} account. To choose a new password, open this link:", site.name))
        .action("Choose a new password", format!("{}/password/reset?token={token}", site.public_url))
        .after("The link works for 1 hour and only once. If it was not you, ignore this message: your password stays as it is.")
        .to(site, to_email, name)
}

pub fn password_changed(site: &Site, to_email: &str, name: &str) -> Message {
    Letter::new("password_changed", format!("Your {} password was changed", site.name))
        .para(format!("The password of your {} account was just changed. Every other signed-in session was signed out, and your personal access tokens no longer work: create new ones for any script that needs them.", site.name))
        .para("If this was not you, reset your password at once and tell the programme office:")
        .action("Reset my password", format!("{}/password/forgot", site.public_url))
        .to(site, to_email, name)
}

/// Letters about mentor applications and the directory. `programme` is the programme's name;
/// URLs are absolute.
/// The weekly digest: the letters a member chose to get once a week, as (subject, absolute
/// link), oldest first.
pub fn digest(site: &Site, items: &[(String, Option<String>)]) -> Letter {
    let mut l = Letter::new(
        "weekly_digest",
        format!("Your week in {}: {} updates", site.name, items.len()),
    )
    .para("Here is what happened this week. Each is also in your notifications in Trellis.");
    for (subject, link) in items {
        l = l.para(match link {
            Some(url) => format!("{subject}: {url}"),
            None => subject.clone(),
        });
    }
    l.action(
        "Open your notifications",
        format!("{}/notifications", site.public_url),
    )
    .after(
        "You get this digest instead of single emails because you chose it in your email settings.",
    )
}

pub mod mentoring {
    use super::Letter;

    pub fn application_received(programme: &str, url: &str, reviewed: bool) -> Letter {
        let l = Letter::new(
            "application_received",
            format!("Your application to mentor in {programme}"),
        )
        .var("programme", programme);
        if reviewed {
            l.para(format!("Thank you for offering to mentor in {programme}. The mentorship director will review your application and may ask you about some points; we aim to decide within four weeks."))
                .para("You can see where your application stands at any time:")
                .action("See my application", url)
        } else {
            l.para(format!("Thank you for offering to mentor in {programme}. You are now listed in the mentor directory, where members can find you and ask you to mentor them."))
                .action("See my mentor listing", url)
        }
    }

    pub fn application_to_review(
        programme: &str,
        applicant: &str,
        url: &str,
        resubmitted: bool,
    ) -> Letter {
        let (template, subject, text) = if resubmitted {
            (
                "application_resubmitted",
                format!("{applicant} answered your question ({programme})"),
                format!(
                    "{applicant} has answered your question about their application to mentor in {programme}."
                ),
            )
        } else {
            (
                "application_submitted",
                format!("New mentor application from {applicant} ({programme})"),
                format!("{applicant} has applied to mentor in {programme}."),
            )
        };
        Letter::new(template, subject)
            .var("programme", programme)
            .var("applicant", applicant)
            .para(text)
            .action("Review the application", url)
    }

    pub fn clarification_requested(programme: &str, question: &str, url: &str) -> Letter {
        Letter::new("application_clarification", format!("A question about your application ({programme})")).var("programme", programme).var("question", question)
            .para(format!("The mentorship director of {programme} has a question about your application to mentor:"))
            .para(question.to_owned())
            .para("Please answer and update your application here:")
            .action("Answer the question", url)
    }

    pub fn approved(programme: &str, url: &str) -> Letter {
        Letter::new("application_approved", format!("You are now a mentor in {programme}")).var("programme", programme)
            .para(format!("Your application to mentor in {programme} has been approved, and you are listed in the mentor directory."))
            .para("You can mark yourself unavailable at any time (you stay listed, flagged as unavailable), change how many mentees you take, or leave the directory:")
            .action("Manage my mentor listing", url)
    }

    pub fn declined(programme: &str, reason: &str) -> Letter {
        Letter::new("application_declined", format!("Your application to mentor in {programme}")).var("programme", programme).var("reason", reason)
            .para(format!("Thank you for offering to mentor in {programme}. The mentorship director has decided not to add you to the directory at this time, for this reason:"))
            .para(reason.to_owned())
            .para("If you would like to talk about it, reply to the programme office.")
    }

    pub fn review_reminder(programme: &str, applicant: &str, target: &str, url: &str) -> Letter {
        Letter::new("application_reminder", format!("Mentor application from {applicant} due for a decision by {target}")).var("programme", programme).var("applicant", applicant).var("target", target)
            .para(format!("The application from {applicant} to mentor in {programme} should be decided by {target} (the programme's target)."))
            .action("Review the application", url)
    }

    pub fn refresh_request(programme: &str, deadline: &str, url: &str) -> Letter {
        Letter::new("refresh_request", format!("Are you still mentoring in {programme}? Please confirm by {deadline}")).var("programme", programme).var("deadline", deadline)
            .para(format!("Once a year we check that everyone in the {programme} mentor directory still wishes to be listed. Please confirm with one click:"))
            .action("Yes, keep me listed", url)
            .after(format!("If we do not hear from you by {deadline}, your listing will be taken out of the directory. You can come back at any time by confirming with the same link."))
    }

    pub fn refresh_reminder(programme: &str, deadline: &str, url: &str) -> Letter {
        Letter::new(
            "refresh_reminder",
            format!("Reminder: confirm your mentor listing in {programme} by {deadline}"),
        )
        .var("programme", programme)
        .var("deadline", deadline)
        .para(format!(
            "We have not yet heard whether you still wish to be listed as a mentor in {programme}."
        ))
        .action("Yes, keep me listed", url)
        .after(format!(
            "Without a confirmation by {deadline}, your listing will be taken out of the directory."
        ))
    }

    pub fn refresh_unlisted(programme: &str, url: &str) -> Letter {
        Letter::new("refresh_unlisted", format!("Your mentor listing in {programme} has been paused")).var("programme", programme)
            .para(format!("We did not hear from you in this year's directory refresh, so your listing in {programme} has been taken out of the mentor directory."))
            .para("If you would like to mentor again, confirm with one click and you will be listed again at once:")
            .action("List me again", url)
    }
}

/// Letters of the allocation cascade [003]. Names are people's display names; URLs absolute.
pub mod requests {
    use super::Letter;

    pub fn offer_to_mentor(
        programme: &str,
        mentee: &str,
        due: &str,
        url: &str,
        director: bool,
    ) -> Letter {
        let how = if director {
            "The mentorship director has suggested you"
        } else {
            "You have been named"
        };
        Letter::new("request_offered", format!("{mentee} asks you to be their mentor ({programme})")).var("programme", programme).var("mentee", mentee).var("due", due)
            .para(format!("{how} as a possible mentor for {mentee} in {programme}. Their request, with their goals and background, is waiting for you."))
            .para(format!("Please accept or decline by {due}. If we do not hear from you by then, we will pass the request on to the next mentor and tell you we have done so."))
            .action("Read the request and reply", url)
    }

    pub fn with_mentor(programme: &str, mentor: &str, due: &str, url: &str) -> Letter {
        Letter::new("request_with_mentor", format!("Your request is with {mentor} ({programme})")).var("programme", programme).var("mentor", mentor).var("due", due)
            .para(format!("Your mentorship request has been sent to {mentor}, who has until {due} to reply."))
            .para("Because mentors need time to respond (allowing for annual leave), this may seem slow, but we will keep you informed at each stage.")
            .action("Follow your request", url)
    }

    pub fn skipped(programme: &str, mentor: &str, why: &str, url: &str) -> Letter {
        Letter::new(
            "request_skipped",
            format!("{mentor} could not be offered your request ({programme})"),
        )
        .var("programme", programme)
        .var("mentor", mentor)
        .var("why", why)
        .para(format!(
            "{mentor} {why}, so your request has moved on to your next choice."
        ))
        .action("Follow your request", url)
    }

    pub fn declined(programme: &str, mentor: &str, url: &str) -> Letter {
        Letter::new("request_declined", format!("{mentor} is not able to mentor you ({programme})")).var("programme", programme).var("mentor", mentor)
            .para(format!("{mentor} is not able to take your request at the moment. It has moved on to your next choice, if you named one."))
            .action("Follow your request", url)
    }

    pub fn passed_on(programme: &str, mentee: &str) -> Letter {
        Letter::new("request_passed_on", format!("The request from {mentee} has been passed on ({programme})")).var("programme", programme).var("mentee", mentee)
            .para(format!("We did not hear from you within the reply time, so we have passed the request from {mentee} on to the next mentor. You do not need to do anything."))
            .para("If you are away or busy for a while, you can mark yourself unavailable on your mentoring page so that requests wait for your return.")
    }

    pub fn rerouted(programme: &str, mentee: &str) -> Letter {
        Letter::new("request_rerouted", format!("The request from {mentee} has been passed on ({programme})")).var("programme", programme).var("mentee", mentee)
            .para(format!("The programme office has passed the request from {mentee} on to another mentor, so it no longer needs your reply. You do not need to do anything."))
            .para("If you are away or busy for a while, you can mark yourself unavailable on your mentoring page so that requests wait for your return.")
    }

    /// The office asks a mentor, by hand, to reply.
    pub fn nudge(programme: &str, mentee: &str, due: &str, url: &str) -> Letter {
        Letter::new(
            "request_nudge",
            format!("{mentee} is waiting for your reply ({programme})"),
        ).var("programme", programme).var("mentee", mentee).var("due", due)
        .para(format!(
            "The programme office asks you to reply to the mentorship request from {mentee}: please accept or decline it by {due}. Declining is fine, and it lets the request move on sooner."
        ))
        .action("Read the request and reply", url)
    }

    pub fn reminder(programme: &str, mentee: &str, due: &str, url: &str) -> Letter {
        Letter::new(
            "request_reminder",
            format!("Reminder: please reply to {mentee} by {due} ({programme})"),
        )
        .var("programme", programme)
        .var("mentee", mentee)
        .var("due", due)
        .para(format!(
            "The mentorship request from {mentee} is waiting for your reply until {due}."
        ))
        .action("Read the request and reply", url)
    }

    pub fn escalated_to_mentee(programme: &str, url: &str) -> Letter {
        Letter::new("request_escalated", format!("The responsible director will get back to you ({programme})")).var("programme", programme)
            .para("None of the mentors you named is able to take your request at the moment. The mentorship director has your request and will get back to you to discuss your next steps.")
            .action("Follow your request", url)
    }

    pub fn escalated_to_director(programme: &str, mentee: &str, url: &str) -> Letter {
        Letter::new("request_to_director", format!("A request from {mentee} needs you ({programme})")).var("programme", programme).var("mentee", mentee)
            .para(format!("None of the mentors {mentee} named could take their request. Please get in touch with them, and offer the request to another mentor or close it with a message."))
            .action("See the request", url)
    }

    /// [003: "The office will email both mentor and mentee giving each the others email
    /// address"], with the first-meeting guidance of guides 001 and 003.
    pub fn allocated(
        programme: &str,
        other_role: &str,
        other_name: &str,
        other_email: &str,
        url: &str,
        minutes: &str,
    ) -> Letter {
        Letter::new("request_allocated", format!("Your mentoring in {programme}: meet {other_name}")).var("programme", programme).var("other_role", other_role).var("other_name", other_name).var("other_email", other_email).var("minutes", minutes)
            .para(format!("Good news: you are matched in {programme}. Your {other_role} is {other_name}, and their email address is {other_email}."))
            .para(format!("It is up to the two of you to contact each other and arrange your first meeting, in person or online. We suggest {minutes} minutes, at a time when neither of you will be interrupted."))
            .para("The first meeting is the time to get to know each other, agree ground rules (including what confidentiality means for you), set your agenda and goals, decide how you will work and how often you will meet, and plan the first piece of work. None of this is set in stone: you can revisit it at any time.")
            .action("Open your mentoring workspace", url)
    }

    pub fn withdrawn_to_mentor(programme: &str, mentee: &str) -> Letter {
        Letter::new("request_withdrawn", format!("{mentee} has withdrawn their request ({programme})")).var("programme", programme).var("mentee", mentee)
            .para(format!("{mentee} has withdrawn their mentorship request, so it no longer needs your reply. Thank you for considering it."))
    }

    pub fn closed(programme: &str, message: &str) -> Letter {
        Letter::new(
            "request_closed",
            format!("Your mentorship request ({programme})"),
        )
        .var("programme", programme)
        .var("message", message)
        .para("The mentorship director has closed your request with this message:")
        .para(message.to_owned())
        .para("You are welcome to make a new request at any time.")
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

/// Letters about a relationship's meetings; the invitation travels as an `.ics` attachment.
pub mod meetings {
    use super::Letter;

    /// `when` is already in the reader's time zone; `others` names the other members.
    pub fn invitation(
        programme: &str,
        others: &str,
        when: &str,
        mode: &str,
        url: &str,
        changed: bool,
    ) -> Letter {
        let (subject, first) = if changed {
            (
                format!("Meeting changed: {when} with {others}"),
                format!(
                    "Your mentoring meeting with {others} ({programme}) has changed. It is now on {when}, by {mode}."
                ),
            )
        } else {
            (
                format!("Meeting: {when} with {others}"),
                format!(
                    "A mentoring meeting with {others} ({programme}) is set for {when}, by {mode}."
                ),
            )
        };
        Letter::new("meeting_invitation", subject).var("programme", programme).var("others", others).var("when", when).var("mode", mode)
            .para(first)
            .para("The invitation is attached: open it to add the meeting to your calendar. The place or link and the agenda are in Trellis.")
            .action("See the meeting", url)
    }

    pub fn cancelled(programme: &str, others: &str, when: &str, url: &str) -> Letter {
        Letter::new("meeting_cancelled", format!("Meeting cancelled: {when} with {others}")).var("programme", programme).var("others", others).var("when", when)
            .para(format!("The mentoring meeting with {others} ({programme}) on {when} is cancelled. The attached update removes it from your calendar."))
            .action("See your meetings", url)
    }
}

/// Letters about a relationship's workspace.
pub mod workspace {
    use super::Letter;

    pub fn evaluation_due(programme: &str, others: &str, url: &str) -> Letter {
        Letter::new("evaluation_due", format!("Time for a check-in on your mentoring with {others}")).var("programme", programme).var("others", others)
            .para(format!("It is time for your periodic evaluation in {programme}: a few ratings of how the mentoring with {others} is going, and any comments. It takes a couple of minutes, and only the members of your relationship read your words; the programme sees totals over many answers only."))
            .action("Complete the check-in", url)
    }

    /// Someone is now in a relationship that staff made (or were added to one).
    pub fn welcome(programme: &str, others: &str, url: &str) -> Letter {
        Letter::new("relationship_welcome", format!("Your mentoring in {programme}")).var("programme", programme).var("others", others)
            .para(format!("You are now in a mentoring relationship in {programme} with {others}."))
            .para("Contact each other to arrange your first meeting; the workspace has the first-meeting guide, and the places to write your agreement and plan.")
            .action("Open your mentoring workspace", url)
    }

    pub fn thank_you(programme: &str, from: &str, url: &str) -> Letter {
        Letter::new("thank_you_note", format!("{from} sent you a thank-you note")).var("programme", programme).var("from", from)
            .para(format!("{from} has completed their final evaluation in {programme} and left you a note of thanks. Read it in your mentoring workspace."))
            .action("Read the note", url)
    }
}

/// Letters about concerns: they never carry what was reported, only that something needs the
/// reader, and a link.
pub mod concerns {
    use super::Letter;

    pub fn to_handler(programme: &str, url: &str, days: &str) -> Letter {
        Letter::new("concern_to_handler", format!("A concern needs you ({programme})")).var("programme", programme).var("days", days)
            .para(format!("A member of {programme} has reported a concern, and you are one of the people who handle it. Please acknowledge it within {days} days."))
            .action("Read the concern", url)
    }

    pub fn received(programme: &str, url: &str, days: &str) -> Letter {
        Letter::new("concern_received", format!("We have your concern ({programme})")).var("programme", programme).var("days", days)
            .para(format!("Thank you for telling us. Your concern has gone to the people who handle concerns in {programme}, never to the person it is about. They aim to acknowledge it within {days} days, and you will hear from them at each step."))
            .action("Follow your concern", url)
    }

    pub fn update(programme: &str, status: &str, url: &str) -> Letter {
        Letter::new("concern_update", format!("Your concern is {status} ({programme})")).var("programme", programme).var("status", status)
            .para(format!("There is news about the concern you reported in {programme}: it is now {status}, and the handler has written to you."))
            .action("Read the message", url)
    }

    pub fn reminder(programme: &str, url: &str) -> Letter {
        Letter::new("concern_reminder", format!("Reminder: a concern waits for acknowledgement ({programme})")).var("programme", programme)
            .para("A concern you handle has not been acknowledged yet. If it is still unacknowledged at its target, it goes to the chair.")
            .action("Acknowledge the concern", url)
    }

    pub fn escalated(programme: &str, url: &str) -> Letter {
        Letter::new("concern_escalated", format!("A concern was not acknowledged in time ({programme})")).var("programme", programme)
            .para(format!("A concern reported in {programme} was not acknowledged within its target, so it now comes to you as chair."))
            .action("Read the concern", url)
    }

    pub fn paused(programme: &str, url: &str) -> Letter {
        Letter::new("relationship_paused", format!("Your mentoring is paused for now ({programme})")).var("programme", programme)
            .para(format!("The programme team has paused contact in one of your mentoring relationships in {programme} for the time being. Please do not arrange meetings until you hear that it resumes. This is a routine step and says nothing about anyone."))
            .action("See the relationship", url)
    }

    pub fn resumed(programme: &str, url: &str) -> Letter {
        Letter::new("relationship_resumed", format!("Your mentoring can resume ({programme})")).var("programme", programme)
            .para(format!("The pause in your mentoring relationship in {programme} has been lifted: you may arrange meetings again."))
            .action("Open the relationship", url)
    }
}
