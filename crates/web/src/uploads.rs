//! Uploaded files as they arrive.

use crate::error::WebError;
use trellis_app::AppError;
use trellis_domain::request::{CV_TOO_LARGE, MAX_CV_BYTES};

/// Reads an uploaded file's bytes, keeping at most one byte more than a CV may have (enough for
/// the check to refuse it) and dropping the rest as it arrives, up to
/// [`crate::CV_UPLOAD_LIMIT`] in all.
pub async fn read_cv(body: axum::body::Body) -> Result<Vec<u8>, WebError> {
    use http_body_util::BodyExt;
    let mut body = http_body_util::Limited::new(body, crate::CV_UPLOAD_LIMIT);
    let mut bytes = Vec::new();
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| AppError::invalid("cv", CV_TOO_LARGE))?;
        if let Some(data) = frame.data_ref()
            && bytes.len() <= MAX_CV_BYTES
        {
            let room = MAX_CV_BYTES + 1 - bytes.len();
            bytes.extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    Ok(bytes)
}
