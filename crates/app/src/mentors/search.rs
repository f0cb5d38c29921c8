//! The directory: who may search it, the search, one mentor's profile.

use super::*;

/// Only signed-in members of the programme (and its staff and admins) see its directory.
pub fn require_directory_access(p: &Programme, st: &Standing) -> AppResult<()> {
    if st.is_member || st.is_admin || st.is_staff() {
        Ok(())
    } else {
        Err(AppError::forbidden(format!(
            "The mentor directory of {} is for its members: join the programme to see it",
            p.name
        )))
    }
}

/// The directory's query, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Free text over name, background, expertise and tags (plain words; stemmed).
    #[serde(default)]
    pub q: String,
    /// An audience term id ("who I can mentor").
    pub audience: Option<String>,
    /// An expertise term id.
    pub expertise: Option<String>,
    /// `available` or `capacity` (available with a free place).
    pub availability: Option<String>,
    pub language: Option<String>,
    /// Location or time zone, e.g. "Edinburgh" or "Europe/".
    pub place: Option<String>,
    /// relevance (default), name, newest, capacity
    pub sort: Option<String>,
    /// The page, from 1.
    #[param(minimum = 1)]
    pub page: Option<i32>,
    /// Mentors a page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u64>,
}

/// A term id as typed; whether the programme has it is checked with the search (the
/// directory holds the taxonomy).
fn opt_id(field: &'static str, v: Option<&str>) -> AppResult<Option<i64>> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|raw| {
            raw.parse()
                .map_err(|_| AppError::invalid(field, "Choose a value from the list"))
        })
        .transpose()
}

impl DirectoryQuery {
    pub fn page(&self) -> u64 {
        u64::try_from(self.page.unwrap_or(1)).map_or(1, |p| p.max(1))
    }

    pub fn per_page(&self) -> u64 {
        self.per_page
            .unwrap_or(20)
            .clamp(1, directory::MAX_PAGE_SIZE)
    }

    pub fn to_search(&self) -> AppResult<trellis_domain::directory_index::Search> {
        if self.page.is_some_and(|p| p < 1) {
            return Err(AppError::invalid("page", "Pages are numbered from 1"));
        }
        if self
            .per_page
            .is_some_and(|n| !(1..=directory::MAX_PAGE_SIZE).contains(&n))
        {
            return Err(AppError::invalid(
                "per_page",
                format!(
                    "Choose from 1 to {} mentors a page",
                    directory::MAX_PAGE_SIZE
                ),
            ));
        }
        let availability = match self
            .availability
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            None => None,
            Some(v) => Some(directory::AvailabilityFilter::parse(v).ok_or_else(|| {
                AppError::invalid("availability", "Choose available or capacity")
            })?),
        };
        let sort =
            directory::Sort::parse(self.sort.as_deref().unwrap_or("").trim()).ok_or_else(|| {
                AppError::invalid("sort", "Choose relevance, name, newest or capacity")
            })?;
        Ok(trellis_domain::directory_index::Search {
            words: directory::search_words(&self.q),
            audience: opt_id("audience", self.audience.as_deref())?,
            expertise: opt_id("expertise", self.expertise.as_deref())?,
            availability,
            language: self.language.clone(),
            place: self.place.clone(),
            sort,
            limit: self.per_page(),
            offset: (self.page() - 1).saturating_mul(self.per_page()),
        })
    }
}

/// A search of the directory by a person whose standing in `p` was read with it (see
/// `programmes::find_as`).
#[tracing::instrument(skip_all, fields(programme_id = p.id))]
pub async fn search(
    s: &App,
    p: &Programme,
    st: &Standing,
    q: &DirectoryQuery,
) -> AppResult<trellis_store::directory::SearchPage> {
    require_directory_access(p, st)?;
    let search = q.to_search()?;
    Ok(s.store.directory.search(&s.store.db, p, &search).await?)
}

/// A mentor's directory profile: listed mentors, to the programme's members; one's own always.
#[tracing::instrument(skip_all, fields(user_id = who.id(), programme_id = p.id, user_id = user_id))]
pub async fn profile(
    s: &App,
    who: &Actor,
    p: &Programme,
    st: &Standing,
    user_id: i64,
) -> AppResult<(MentorRow, Vec<Term>)> {
    require_directory_access(p, st)?;
    let m = store::mentor(&s.store.db, p.id, user_id)
        .await?
        .filter(|m| m.listed || m.user_id == who.id())
        .ok_or(AppError::NotFound("mentor"))?;
    let terms = store::mentor_terms(&s.store.db, m.id).await?;
    Ok((m, terms))
}
