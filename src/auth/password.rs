//! Password hashing: argon2id over the SHA-256 hex of the password, on a bounded blocking
//! pool so hashing never stalls the async runtime. Legacy Rocket.Chat bcrypt hashes verify too.

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tokio::sync::Semaphore;

use crate::db::users::Credentials;
use crate::error::ApiError;

/// Outcome of a verification.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// Matched an argon2id hash.
    Ok,
    /// Matched a legacy bcrypt hash: the caller should store a fresh argon2id hash.
    OkNeedsRehash,
    No,
}

#[derive(Clone)]
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Self {
        PasswordHasher {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        tokio::task::spawn_blocking(f)
            .await
            .map_err(ApiError::internal)
    }

    /// Hash a password given as its SHA-256 hex digest.
    pub async fn hash(&self, digest: String) -> Result<String, ApiError> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(digest.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| ApiError::internal(format!("argon2: {e}")))
        })
        .await?
    }

    /// Verify a SHA-256 hex digest against stored credentials. With no credentials a dummy
    /// hash is verified, so unknown users cost the same time as known ones.
    pub async fn verify(
        &self,
        digest: String,
        credentials: Option<Credentials>,
    ) -> Result<Verified, ApiError> {
        self.run(move || {
            let digest = digest.to_ascii_lowercase();
            match credentials {
                Some(Credentials {
                    argon2_hash: Some(h),
                    ..
                }) => verify_argon2(&digest, &h),
                Some(Credentials {
                    legacy_bcrypt: Some(h),
                    ..
                }) => {
                    if bcrypt::verify(&digest, &h).unwrap_or(false) {
                        Verified::OkNeedsRehash
                    } else {
                        Verified::No
                    }
                }
                _ => {
                    let _ = verify_argon2(&digest, dummy_hash());
                    Verified::No
                }
            }
        })
        .await
    }
}

fn verify_argon2(digest: &str, phc: &str) -> Verified {
    match PasswordHash::new(phc) {
        Ok(parsed)
            if Argon2::default()
                .verify_password(digest.as_bytes(), &parsed)
                .is_ok() =>
        {
            Verified::Ok
        }
        _ => Verified::No,
    }
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"rc-users-dummy-password", &salt)
            .expect("argon2 dummy hash")
            .to_string()
    })
}
