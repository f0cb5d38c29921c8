//! A mentor's own listing: availability, capacity, leaving; and what a member is as a mentor.

use super::*;

/// Changes a mentor makes to their own listing; fields left out stay as they are.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ListingChange {
    /// false marks you unavailable (you stay listed, flagged).
    pub available: Option<bool>,
    /// With `available: false`: available again from this date (YYYY-MM-DD).
    pub unavailable_until: Option<String>,
    /// Mentees at once, 1 to 20.
    pub capacity: Option<i32>,
    /// false leaves the directory; true returns to it.
    pub listed: Option<bool>,
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn own_listing(s: &App, who: &Actor, p: &Programme) -> AppResult<MentorRow> {
    store::mentor(&s.store.db, p.id, who.id())
        .await?
        .ok_or(AppError::NotFound("mentor listing"))
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn change_listing(
    s: &App,
    who: &Actor,
    p: &Programme,
    change: &ListingChange,
) -> AppResult<MentorRow> {
    let m = own_listing(s, who, p).await?;
    let now = s.now();
    let until = match change
        .unavailable_until
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        None => None,
        Some(raw) => {
            let d = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| {
                AppError::invalid("unavailable_until", "Enter the date like 2027-03-01")
            })?;
            if directory::available_again_at(d) <= now {
                return Err(AppError::invalid(
                    "unavailable_until",
                    "The date must be in the future",
                ));
            }
            if change.available != Some(false) {
                return Err(AppError::invalid(
                    "unavailable_until",
                    "A return date goes with marking yourself unavailable",
                ));
            }
            Some(d)
        }
    };
    if let Some(c) = change.capacity
        && !(application::MIN_CAPACITY..=application::MAX_CAPACITY).contains(&c)
    {
        return Err(AppError::invalid(
            "capacity",
            format!(
                "Capacity must be from {} to {} mentees",
                application::MIN_CAPACITY,
                application::MAX_CAPACITY
            ),
        ));
    }
    let tx = s.store.begin().await?;
    let mut said = Vec::new();
    if let Some(available) = change.available {
        let until_text = until.map(|d| d.to_string());
        store::set_availability(&tx, m.id, available, until_text.as_deref(), now).await?;
        if let Some(d) = until {
            let job = MentorAvailable {
                mentor_id: m.id,
                until: d,
            };
            crate::jobs::enqueue(&tx, &job, directory::available_again_at(d), now).await?;
        }
        said.push(match (available, until) {
            (true, _) => "available".to_owned(),
            (false, Some(d)) => format!("unavailable until {d}"),
            (false, None) => "unavailable".to_owned(),
        });
    }
    if let Some(c) = change.capacity {
        store::set_capacity(&tx, m.id, c, now).await?;
        said.push(format!("capacity {c}"));
    }
    if let Some(listed) = change.listed {
        if store::set_listed(&tx, m.id, listed, (!listed).then_some("self"), now).await? {
            said.push(
                if listed {
                    "listed again"
                } else {
                    "left the directory"
                }
                .to_owned(),
            );
        }
        // Coming back counts as confirming this year's refresh.
        if listed && let Some(r) = store::latest_refresh(&tx, m.id).await? {
            store::confirm_refresh(&tx, r.id, now).await?;
        }
    }
    if !said.is_empty() {
        audit::record(
            &tx,
            &AuditEntry::new(
                "mentor.listing_changed",
                "mentor",
                Some(m.id),
                said.join(", "),
            )
            .by(Some(who.id()))
            .in_programme(p.id),
            now,
        )
        .await?;
    }
    let row = store::mentor_by_id(&tx, m.id)
        .await?
        .ok_or(AppError::NotFound("mentor listing"))?;
    tx.commit().await?;
    Ok(row)
}

/// What a member is as a mentor in a programme: their listing (if any), whether the annual
/// refresh waits for their confirmation, and their applications.
pub struct MyListing {
    pub mentor: Option<MentorRow>,
    pub refresh_pending: bool,
    pub applications: Vec<ApplicationRow>,
}

#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id))]
pub async fn my_listing(s: &App, who: &Actor, p: &Programme) -> AppResult<MyListing> {
    let db = &s.store.db;
    let mentor = store::mentor(db, p.id, who.id()).await?;
    let refresh_pending = match &mentor {
        Some(m) => store::latest_refresh(db, m.id)
            .await?
            .is_some_and(|r| r.confirmed_at.is_none()),
        None => false,
    };
    Ok(MyListing {
        mentor,
        refresh_pending,
        applications: my_applications(s, who, p).await?,
    })
}
