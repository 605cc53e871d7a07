//! The rules of each endpoint family: permissions, settings, validation. No SQL strings, no
//! HTTP types beyond the error envelope.

pub mod permissions;
pub mod roles;
pub mod session;
pub mod settings_admin;
pub mod target;
pub mod unread;
pub mod users_read;
pub mod users_write;
