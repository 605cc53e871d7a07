//! Integration tests against the real PostgreSQL: one binary, one module per endpoint family.

mod common;
mod foundation;
mod users_read;
