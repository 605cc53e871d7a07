//! `$regex` patterns, accepted only from a small syntax that means the same thing to Rust's
//! `regex` crate and to PostgreSQL's ARE engine (which runs them): literals, `.`, `^`, `$`,
//! `|`, groups `(…)` / `(?:…)`, bracket classes without POSIX `[:…:]` items, the escapes
//! `\d \D \w \W \s \S \n \t` and escaped punctuation, and quantifiers `* + ? {n} {n,} {n,m}`
//! (counted ones on single atoms only, bounds ≤ 32). Excluded on purpose: back-references
//! (`\1`, costly in PostgreSQL), look-around, embedded options and `***` directors, `\b`
//! (a backspace in PostgreSQL, a word boundary elsewhere), PostgreSQL-only escapes
//! (`\m \M \y \Y \A \Z`). The pattern is then compiled by `regex` with tight size limits.

/// Longest pattern accepted, in characters.
pub const MAX_PATTERN_CHARS: usize = 128;
const MAX_QUANTIFIERS: usize = 16;
const MAX_GROUP_DEPTH: usize = 4;
const MAX_REPEAT: u32 = 32;

/// Is `pattern` in the accepted syntax and compilable within limits?
pub fn is_safe(pattern: &str, case_insensitive: bool) -> bool {
    if pattern.chars().count() > MAX_PATTERN_CHARS || !syntax_ok(pattern) {
        return false;
    }
    regex::RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .size_limit(1 << 18)
        .dfa_size_limit(1 << 18)
        .nest_limit(16)
        .build()
        .is_ok()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// Start of pattern, after `(` or `|`: no operand for a quantifier.
    Nothing,
    /// A single character, class, escape or `.`.
    Atom,
    /// A closed group.
    Group,
    /// A quantifier (only a lazy `?` may follow).
    Quantifier,
    /// A lazy marker or anchor: nothing may be quantified.
    Fixed,
}

fn syntax_ok(p: &str) -> bool {
    let c: Vec<char> = p.chars().collect();
    let mut i = 0;
    let mut depth = 0usize;
    let mut quantifiers = 0usize;
    let mut prev = Prev::Nothing;
    while i < c.len() {
        match c[i] {
            '\\' => {
                let Some(&n) = c.get(i + 1) else { return false };
                if !(is_escapable_punct(n) || "dDwWsSnt".contains(n)) {
                    return false;
                }
                i += 2;
                prev = Prev::Atom;
            }
            '[' => {
                let Some(end) = class_end(&c, i) else {
                    return false;
                };
                i = end + 1;
                prev = Prev::Atom;
            }
            '(' => {
                if c.get(i + 1) == Some(&'?') {
                    if c.get(i + 2) != Some(&':') {
                        return false;
                    }
                    i += 3;
                } else {
                    i += 1;
                }
                depth += 1;
                if depth > MAX_GROUP_DEPTH {
                    return false;
                }
                prev = Prev::Nothing;
            }
            ')' => {
                if depth == 0 {
                    return false;
                }
                depth -= 1;
                i += 1;
                prev = Prev::Group;
            }
            '|' => {
                i += 1;
                prev = Prev::Nothing;
            }
            '^' | '$' => {
                i += 1;
                prev = Prev::Fixed;
            }
            '*' | '+' | '?' => {
                if c[i] == '?' && prev == Prev::Quantifier {
                    prev = Prev::Fixed;
                } else if matches!(prev, Prev::Atom | Prev::Group) {
                    quantifiers += 1;
                    prev = Prev::Quantifier;
                } else {
                    return false;
                }
                i += 1;
            }
            '{' => {
                if prev != Prev::Atom {
                    return false;
                }
                let Some(end) = counted_end(&c, i) else {
                    return false;
                };
                quantifiers += 1;
                i = end + 1;
                prev = Prev::Quantifier;
            }
            ']' | '}' => return false,
            ch if ch.is_control() && ch != '\t' => return false,
            _ => {
                i += 1;
                prev = Prev::Atom;
            }
        }
        if quantifiers > MAX_QUANTIFIERS {
            return false;
        }
    }
    depth == 0
}

fn is_escapable_punct(c: char) -> bool {
    "\\^$.|?*+()[]{}/-#&~ ".contains(c)
}

/// Index of the `]` closing the class opened at `start`, when the class is acceptable.
fn class_end(c: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if c.get(i) == Some(&'^') {
        i += 1;
    }
    // A leading `]` is a literal in both engines; require it escaped instead (simpler).
    let mut empty = true;
    while i < c.len() {
        match c[i] {
            ']' if !empty => return Some(i),
            ']' => return None,
            // No nested classes, POSIX classes or collating elements.
            '[' => return None,
            '\\' => {
                let n = *c.get(i + 1)?;
                if !(is_escapable_punct(n) || "dwsnt".contains(n)) {
                    return None;
                }
                i += 2;
            }
            ch if ch.is_control() => return None,
            // `&&`, `--`, `~~` are set operations in Rust's classes.
            '&' | '-' | '~' if c.get(i + 1) == Some(&c[i]) => return None,
            _ => i += 1,
        }
        empty = false;
    }
    None
}

/// Index of the `}` closing a `{n}`, `{n,}` or `{n,m}` quantifier opened at `start`.
fn counted_end(c: &[char], start: usize) -> Option<usize> {
    let close = start + c[start..].iter().position(|&x| x == '}')?;
    let body: String = c[start + 1..close].iter().collect();
    let (lo, hi) = match body.split_once(',') {
        None => (body.as_str(), Some(body.as_str())),
        Some((lo, "")) => (lo, None),
        Some((lo, hi)) => (lo, Some(hi)),
    };
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.len() <= 2 && s.chars().all(|d| d.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let lo = num(lo)?;
    let hi = match hi {
        Some(h) => num(h)?,
        None => lo,
    };
    (lo <= hi && hi <= MAX_REPEAT).then_some(close)
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn accepts_the_common_forms() {
        for p in [
            "",
            "abc",
            "^ab.c$",
            "^a|b$",
            "(?:ab)+",
            "[a-z0-9_]{2,8}",
            "\\.\\*",
            "\\d+\\s\\w*?",
            "[^\\]x]",
            "é",
            "a{3}",
            "a{2,}",
            "(a|b)*c",
            "[-a]",
            "x\\-y",
        ] {
            assert!(is_safe(p, false), "{p}");
        }
        assert!(is_safe("GENERAL", true));
    }

    #[test]
    fn rejects_what_could_differ_or_blow_up() {
        for p in [
            "(a",
            "a)",
            "*a",
            "a**",
            "a{1000}",
            "(ab){3}",
            "a{,3}",
            "\\1",
            "(a)\\1",
            "(?=a)",
            "(?i)a",
            "(?<n>a)",
            "***:a",
            "\\b",
            "\\y",
            "\\m",
            "\\A",
            "[[:alpha:]]",
            "[a[b]]",
            "[a&&b]",
            "[]a]",
            "[",
            "]",
            "}",
            "a{2}{3}",
            "\\p{L}",
            "\\x41",
            "\\u0041",
            "\u{0}",
            "(((((a)))))",
        ] {
            assert!(!is_safe(p, false), "{p}");
        }
        assert!(!is_safe(&"a".repeat(129), false));
        assert!(!is_safe(&"a*".repeat(17), false));
    }
}
