//! The words of a Markdown body without its syntax, for the index and its snippets (a
//! snippet reads "4d from the edge", not "**4d** from the edge"). Link targets are kept
//! after their text, so a search for a site still finds the post.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// `markdown` as plain text: blocks on their own lines, inline syntax gone.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut links: Vec<String> = Vec::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                out.push_str(&t);
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak | Event::Rule => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.into_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop()
                    && !url.is_empty()
                {
                    out.push_str(" (");
                    out.push_str(&url);
                    out.push(')');
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow,
            ) if !out.ends_with('\n') => out.push('\n'),
            Event::Html(h) | Event::InlineHtml(h) => out.push_str(&h),
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn keeps_the_words_and_drops_the_syntax() {
        let md = "## What we use\n\n- **4d** from the edge, *3d* elsewhere\n- pre-drill\n\nSee [ETA-11/0190](https://example.org/eta) and `a_min = 4d`.";
        assert_eq!(
            plain_text(md),
            "What we use\n4d from the edge, 3d elsewhere\npre-drill\nSee ETA-11/0190 (https://example.org/eta) and a_min = 4d."
        );
        assert_eq!(
            plain_text("Below 15 % at install."),
            "Below 15 % at install."
        );
        assert_eq!(plain_text(""), "");
    }
}
