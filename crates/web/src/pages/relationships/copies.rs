//! Copies as PDF.

use super::*;

pub(super) async fn agreement_pdf(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let ws = act::readable(&s, &me, id).await?;
    let a = act::agreement_of(&s, &ws).await?;
    Ok(crate::copies::download(
        crate::copies::agreement(&ws, &a),
        crate::copies::PDF,
        "agreement.pdf",
    ))
}

pub(super) async fn plan_pdf(
    State(s): State<AppState>,
    SignedIn { me, .. }: SignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let ws = act::readable(&s, &me, id).await?;
    let goals = dev::plan_of(&s, &ws).await?;
    Ok(crate::copies::download(
        crate::copies::plan(&ws, &goals),
        crate::copies::PDF,
        "development-plan.pdf",
    ))
}
