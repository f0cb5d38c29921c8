//! The answers every operation can give whatever it does, added to the OpenAPI document in one
//! place rather than on each handler: what the extractors, the body limits, the NUL check and
//! the sign-in machinery answer. A handler's own annotation wins where it names the status.

use std::collections::BTreeMap;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{KnownFormat, Schema, SchemaFormat};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, OpenApi, Ref, RefOr, Response};
use utoipa::openapi::{ObjectBuilder, Type};

/// Adds the common statuses to every operation of `doc`.
pub fn complete(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let has_path_params = path.contains('{');
        for op in [
            item.get.as_mut(),
            item.put.as_mut(),
            item.post.as_mut(),
            item.patch.as_mut(),
            item.delete.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            complete_operation(op, has_path_params);
        }
    }
}

fn complete_operation(op: &mut Operation, has_path_params: bool) {
    let has_query = op.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    });
    let body = op.request_body.as_ref();
    let json_body = body.is_some_and(|b| match b {
        RefOr::T(b) => b.content.contains_key("application/json"),
        RefOr::Ref(_) => true,
    });
    let body = body.is_some();
    let signed_in = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| error(description, status == "429" || status == "503"));
    };
    if has_path_params || has_query || body {
        add(
            "400",
            "A path or query parameter, or the body, does not parse; `field` names it.",
        );
        add(
            "422",
            "A value is not acceptable (out of range, a NUL character, a rule of the programme); `field` names it.",
        );
    }
    if signed_in {
        add(
            "401",
            "Nobody is signed in, or the bearer token is not valid (revoked, expired or ended by a change of password).",
        );
    }
    if has_path_params {
        add(
            "404",
            "There is no such resource, or you may not know that it exists.",
        );
    }
    if body {
        add("413", "The body is larger than this operation accepts.");
    }
    if json_body {
        add(
            "415",
            "The body is not JSON (send `Content-Type: application/json`).",
        );
    }
}

/// An error response in the API's error shape; with `Retry-After` when the caller should wait.
fn error(description: &str, retry_after: bool) -> RefOr<Response> {
    let mut r = ResponseBuilder::new().description(description).content(
        "application/json",
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("ErrorBody")))
            .build(),
    );
    if retry_after {
        r = r.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
                .description(Some("Seconds to wait before trying again."))
                .build(),
        );
    }
    r.into()
}

fn too_many() -> (String, RefOr<Response>) {
    let why =
        "Too many failed sign-ins from here or for this account; wait as long as Retry-After says.";
    ("429".to_owned(), error(why, true))
}

fn busy() -> (String, RefOr<Response>) {
    let why = "Too many passwords are being checked at once; try again after Retry-After seconds.";
    ("503".to_owned(), error(why, true))
}

/// What an operation that checks a password answers when signing in is throttled (429) or
/// too many passwords are being checked at once (503), for its `responses(...)`.
pub struct SignInLimits;

impl utoipa::IntoResponses for SignInLimits {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [too_many(), busy()].into()
    }
}

/// What an operation that hashes a new password answers when too many are being hashed at
/// once (503), for its `responses(...)`.
pub struct HashingLimit;

impl utoipa::IntoResponses for HashingLimit {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [busy()].into()
    }
}

/// A CSV file as a body, its header line first: not empty.
pub struct Csv;

impl utoipa::PartialSchema for Csv {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .description(Some("The CSV file, its header line first."))
            .into()
    }
}

impl utoipa::ToSchema for Csv {}

/// A PDF file as a body: its bytes.
pub struct Pdf;

impl utoipa::PartialSchema for Pdf {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The PDF file's bytes."))
            .into()
    }
}

impl utoipa::ToSchema for Pdf {}
