//! Checks on what a member typed, shared by all commands.

use crate::CommandError;
use crate::schema::limits;

/// A required single-line field: trimmed, non-empty, at most `max` characters.
pub(crate) fn required(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, CommandError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(CommandError::Empty {
            field: field.into(),
        });
    }
    bounded(field, v, max)
}

/// An optional or free text field: at most `max` characters, kept as typed.
pub(crate) fn bounded(
    field: &'static str,
    value: &str,
    max: usize,
) -> Result<String, CommandError> {
    if value.chars().count() > max {
        return Err(CommandError::TooLong {
            field: field.into(),
            max,
        });
    }
    Ok(value.to_owned())
}

/// Tags or skills: trimmed, lowercased, no empties, no duplicates, order kept.
pub(crate) fn tags(field: &'static str, values: &[String]) -> Result<Vec<String>, CommandError> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        let t = v.trim().to_lowercase();
        if t.is_empty() || out.contains(&t) {
            continue;
        }
        if t.chars().count() > limits::TAG {
            return Err(CommandError::TooLong {
                field: field.into(),
                max: limits::TAG,
            });
        }
        out.push(t);
    }
    if out.len() > limits::TAGS {
        return Err(CommandError::TooMany {
            field: field.into(),
            max: limits::TAGS,
        });
    }
    Ok(out)
}

/// A link: a scheme, `://` and something after it.
pub(crate) fn url(value: &str) -> Result<String, CommandError> {
    let v = bounded("url", value.trim(), limits::URL)?;
    let ok = v.split_once("://").is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
            && !rest.is_empty()
            && !rest.chars().any(char::is_whitespace)
    });
    if ok {
        Ok(v)
    } else {
        Err(CommandError::InvalidUrl(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_rejects_empty() {
        assert_eq!(required("title", "  hi ", 10).unwrap(), "hi");
        assert_eq!(
            required("title", "   ", 10),
            Err(CommandError::Empty {
                field: "title".into()
            })
        );
        assert!(required("title", "abcdefghijk", 10).is_err());
    }

    #[test]
    fn tags_are_normalised() {
        let t = tags(
            "tags",
            &[" Rust ".into(), "rust".into(), "".into(), "P2P".into()],
        )
        .unwrap();
        assert_eq!(t, vec!["rust", "p2p"]);
    }

    #[test]
    fn urls_need_a_scheme() {
        assert!(url("https://example.org/x").is_ok());
        assert!(url("example.org").is_err());
        assert!(url("https://has space").is_err());
    }
}
