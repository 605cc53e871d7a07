//! The `unread` counter of subscriptions (users-core §6): raised when a message is posted,
//! per the `Unread_Count` / `Unread_Count_DM` / `Unread_Count_Omni` settings. Message
//! endpoints call [`on_new_message`]; users.info only reads the stored counter.

use crate::db::rooms;
use crate::settings::{keys, Settings};
use crate::AppState;

/// A new message, as far as unread counting cares. Not for edits, thread replies or old
/// imported messages (callers skip those).
#[derive(Clone, Debug)]
pub struct NewMessage<'a> {
    pub rid: &'a str,
    /// Room type: `c`, `p`, `d`, `l`, …
    pub room_type: &'a str,
    pub sender_id: &'a str,
    /// Usernames mentioned with `@username`.
    pub mentioned: &'a [String],
    /// `@all` or `@here`.
    pub group_mention: bool,
}

/// Who gets +1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Increment {
    Nobody,
    /// Only the mentioned users.
    Mentioned,
    /// Every member but the sender (mentioned users counted once).
    Everyone,
}

/// The §6 rules as a pure function of the room type, the message's mentions and the settings.
pub fn increment(
    room_type: &str,
    has_user_mentions: bool,
    group_mention: bool,
    settings: &Settings,
) -> Increment {
    let direct_like = matches!(room_type, "d" | "l");
    let mode = match room_type {
        "d" => settings.get(&keys::UNREAD_COUNT_DM),
        "l" => settings.get(&keys::UNREAD_COUNT_OMNI),
        _ => settings.get(&keys::UNREAD_COUNT),
    };
    let all_messages = mode == "all_messages";
    let user_mentions_count = direct_like
        || matches!(
            mode.as_str(),
            "all_messages" | "user_mentions_only" | "user_and_group_mentions_only"
        );
    let group_mentions_count = direct_like
        || matches!(
            mode.as_str(),
            "all_messages" | "group_mentions_only" | "user_and_group_mentions_only"
        );
    if (group_mention && group_mentions_count) || (!group_mention && all_messages) {
        Increment::Everyone
    } else if has_user_mentions && user_mentions_count {
        Increment::Mentioned
    } else {
        Increment::Nobody
    }
}

/// Apply a new message to the room's subscriptions in one statement; returns how many
/// subscriptions were raised.
pub async fn on_new_message(state: &AppState, msg: &NewMessage<'_>) -> Result<u64, sqlx::Error> {
    match increment(
        msg.room_type,
        !msg.mentioned.is_empty(),
        msg.group_mention,
        &state.settings,
    ) {
        Increment::Nobody => Ok(0),
        Increment::Mentioned => {
            rooms::increment_unread(&state.db, msg.rid, msg.sender_id, false, msg.mentioned).await
        }
        Increment::Everyone => {
            rooms::increment_unread(&state.db, msg.rid, msg.sender_id, true, &[]).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults() {
        // Defaults: channels count mentions only, DMs every message.
        let s = Settings::default();
        assert_eq!(increment("c", false, false, &s), Increment::Nobody);
        assert_eq!(increment("c", true, false, &s), Increment::Mentioned);
        assert_eq!(increment("p", false, true, &s), Increment::Everyone);
        assert_eq!(increment("d", false, false, &s), Increment::Everyone);
        assert_eq!(increment("l", false, false, &s), Increment::Everyone);
    }
}
