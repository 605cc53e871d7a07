//! Integration tests against the real PostgreSQL: one binary, one module per endpoint family.

mod authz_matrix;
mod common;
mod foundation;
mod hostile;
mod openapi;
mod permissions;
mod review_reads;
mod roles;
mod settings;
mod users_read;
mod users_write;
mod users_write_review;
