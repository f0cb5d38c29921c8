//! The directory.

use super::*;

#[derive(Template)]
#[template(path = "mentoring/directory.html")]
pub(super) struct DirectoryPage {
    pub(super) c: Chrome,
    pub(super) f: FormState,
    pub(super) p: Programme,
    pub(super) tax: Taxonomy,
    pub(super) total: i64,
    /// More matches than were counted (`total` is then the cap).
    pub(super) capped: bool,
    pub(super) results: Vec<(MentorRow, Vec<Term>)>,
    pub(super) page: u64,
    pub(super) pages: u64,
    pub(super) query_base: String,
    /// The viewer, and the mentors on their shortlist.
    pub(super) me: i64,
    pub(super) picked: Vec<i64>,
    pub(super) back: String,
}

pub(super) async fn directory(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path(slug): Path<String>,
    Query(q): Query<DirectoryQuery>,
) -> PageResult {
    let (p, st) = find_as(&s, &slug, &me).await?;
    act::require_directory_access(&p, &st)?;
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let mut f = FormState::with(&[
        ("q", &q.q),
        ("audience", &opt(&q.audience)),
        ("expertise", &opt(&q.expertise)),
        ("availability", &opt(&q.availability)),
        ("language", &opt(&q.language)),
        ("place", &opt(&q.place)),
        ("sort", &opt(&q.sort)),
    ]);
    let query_base = serde_urlencoded::to_string(
        [
            "q",
            "audience",
            "expertise",
            "availability",
            "language",
            "place",
            "sort",
        ]
        .iter()
        .map(|k| (*k, f.v(k).to_owned()))
        .filter(|(_, v)| !v.is_empty())
        .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let picked = picked(&s, &p, &me).await?;
    let back = format!(
        "/programmes/{}/mentors?{query_base}&page={}",
        p.slug,
        q.page()
    );
    match act::search(&s, &p, &st, &q).await {
        Ok(page) => {
            // Every term, retired ones too (mentors who chose one keep it), labels the results
            // from the ids the index hands back; the form offers the ones in use.
            let all = trellis_app::taxonomy::with_retired(&s, &p).await?;
            let every: Vec<Term> = all.audiences.into_iter().chain(all.expertise).collect();
            let tax = Taxonomy {
                audiences: every
                    .iter()
                    .filter(|t| t.kind == AUDIENCE && !t.retired)
                    .cloned()
                    .collect(),
                expertise: every
                    .iter()
                    .filter(|t| t.kind == EXPERTISE && !t.retired)
                    .cloned()
                    .collect(),
            };
            let capped = page.more_than_counted();
            let results = page
                .mentors
                .iter()
                .zip(&page.terms)
                .map(|(m, ids)| {
                    let terms = every
                        .iter()
                        .filter(|t| ids.contains(&t.id))
                        .cloned()
                        .collect();
                    (m.row.clone(), terms)
                })
                .collect();
            let total = if capped {
                i64::try_from(MAX_COUNT).unwrap_or(i64::MAX)
            } else {
                page.total
            };
            let pages = u64::try_from(total)
                .unwrap_or(0)
                .div_ceil(q.per_page())
                .max(1);
            Ok(ok(&DirectoryPage {
                c,
                f,
                p,
                tax,
                total,
                capped,
                results,
                page: q.page(),
                pages,
                query_base,
                me: me.id(),
                picked,
                back,
            }))
        }
        Err(e @ AppError::Invalid(_)) => {
            f = f.failed(&e);
            let tax = act::taxonomy(&s, &p).await?;
            Ok(render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DirectoryPage {
                    c,
                    f,
                    p,
                    tax,
                    total: 0,
                    capped: false,
                    results: Vec::new(),
                    page: 1,
                    pages: 1,
                    query_base,
                    me: me.id(),
                    picked,
                    back,
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// The mentors on the member's shortlist (to mark them "Chosen").
pub(super) async fn picked(s: &AppState, p: &Programme, me: &Actor) -> Result<Vec<i64>, PageError> {
    Ok(trellis_app::requests::picks(s, me, p)
        .await?
        .into_iter()
        .map(|x| x.mentor_id)
        .collect())
}

#[derive(Template)]
#[template(path = "mentoring/mentor.html")]
pub(super) struct MentorPage {
    pub(super) c: Chrome,
    pub(super) p: Programme,
    pub(super) m: MentorRow,
    pub(super) terms: Vec<Term>,
    pub(super) me: i64,
    pub(super) picked: Vec<i64>,
    pub(super) back: String,
}

impl MentorPage {
    pub(super) fn channel_labels(&self) -> String {
        list_of(&self.m.channels)
            .iter()
            .filter_map(|k| CHANNELS.iter().find(|(c, _)| c == k).map(|(_, l)| *l))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub(super) async fn mentor_profile(
    State(s): State<AppState>,
    SignedIn { me, c }: SignedIn,
    Path((slug, user_id)): Path<(String, i64)>,
) -> PageResult {
    let (p, st) = find_as(&s, &slug, &me).await?;
    let (m, terms) = act::profile(&s, &me, &p, &st, user_id).await?;
    let picked = picked(&s, &p, &me).await?;
    let back = format!("/programmes/{}/mentors/{}", p.slug, m.user_id);
    Ok(ok(&MentorPage {
        c,
        p,
        m,
        terms,
        me: me.id(),
        picked,
        back,
    }))
}
