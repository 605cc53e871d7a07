//! The OpenAPI document is part of the contract: a change to any route, parameter or
//! response shows up here in review. Regenerate with `UPDATE_SNAPSHOTS=1 cargo test openapi`.

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

#[test]
fn openapi_document_matches_the_snapshot() {
    let current = serde_json::to_string_pretty(&rc_users::http::openapi()).unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &current).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(SNAPSHOT).expect("tests/snapshots/openapi.json exists");
    assert!(
        stored == current,
        "the OpenAPI document changed; review it and run `UPDATE_SNAPSHOTS=1 cargo test openapi`"
    );
}
