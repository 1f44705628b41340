//! Fonts for every script members write in. egui's own fonts cover Latin, Greek, Cyrillic
//! and (monochrome) emoji; Chinese, Japanese and Korean need a font of their own. The
//! system's fonts (fontconfig's directories, through fontdb) are searched for faces that
//! cover Han, kana and Hangul, and added as fallbacks after egui's; for what the system
//! does not cover, the bundled faces are used (Droid Sans Fallback for Han and kana, a
//! Hangul subset of NanumGothic; licences in `app/assets/fonts`).

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use egui::{FontData, FontDefinitions, FontFamily};

/// One character of each script the fallbacks must cover.
const SCRIPTS: [char; 4] = ['中', 'あ', 'ア', '한'];

/// Families known to cover CJK well, tried first (in this order) so that the choice is
/// the same on every run; any other face that covers the scripts comes after.
const PREFERRED: [&str; 14] = [
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Source Han Sans SC",
    "Source Han Sans",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "Microsoft YaHei",
    "Yu Gothic UI",
    "Malgun Gothic",
    "PingFang SC",
    "Hiragino Sans",
    "Apple SD Gothic Neo",
    "Noto Sans CJK TC",
];

/// The bundled fallbacks, by family.
static BUNDLED: [(&str, &[u8]); 2] = [
    (
        "Droid Sans Fallback (bundled)",
        include_bytes!("../../assets/fonts/DroidSansFallbackFull.ttf"),
    ),
    (
        "Copse Hangul Fallback (bundled)",
        include_bytes!("../../assets/fonts/CopseHangulFallback.ttf"),
    ),
];

/// A font face chosen as a fallback.
#[derive(Clone)]
pub struct Fallback {
    /// Its family name (or "bundled").
    pub family: String,
    data: Cow<'static, [u8]>,
    index: u32,
}

impl std::fmt::Debug for Fallback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({} bytes, face {})",
            self.family,
            self.data.len(),
            self.index
        )
    }
}

/// Adds the CJK fallbacks to `ctx`'s fonts (searching the system once per process).
pub fn install(ctx: &egui::Context) {
    let mut fonts = FontDefinitions::default();
    for (i, face) in fallbacks().iter().enumerate() {
        let name = format!("copse-fallback-{i}-{}", face.family);
        let mut data = FontData::from_owned(Vec::new());
        data.font = face.data.clone();
        data.index = face.index;
        fonts.font_data.insert(name.clone(), Arc::new(data));
        for family in [FontFamily::Proportional, FontFamily::Monospace] {
            fonts.families.entry(family).or_default().push(name.clone());
        }
    }
    ctx.set_fonts(fonts);
}

/// The fallbacks this machine gets: the system's faces that cover the scripts, else the
/// bundled one.
pub fn fallbacks() -> &'static [Fallback] {
    static FOUND: OnceLock<Vec<Fallback>> = OnceLock::new();
    FOUND.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        let found = choose(&db);
        tracing::debug!(
            "fonts for CJK text: {:?}",
            found.iter().map(|f| &f.family).collect::<Vec<_>>()
        );
        found
    })
}

/// Faces from `db` until every script is covered; the bundled faces cover what is left.
pub(crate) fn choose(db: &fontdb::Database) -> Vec<Fallback> {
    let mut missing: Vec<char> = SCRIPTS.to_vec();
    let mut chosen = Vec::new();
    for id in candidates(db) {
        let picked = db.with_face_data(id, |data, index| {
            let covered = covers(data, index, &missing);
            (!covered.is_empty()).then(|| (covered, data.to_vec(), index))
        });
        let Some(Some((covered, data, index))) = picked else {
            continue;
        };
        missing.retain(|c| !covered.contains(c));
        let family = db
            .face(id)
            .and_then(|f| f.families.first())
            .map_or_else(String::new, |(name, _)| name.clone());
        chosen.push(Fallback {
            family,
            data: Cow::Owned(data),
            index,
        });
        if missing.is_empty() {
            return chosen;
        }
    }
    for (family, data) in BUNDLED {
        let covered = covers(data, 0, &missing);
        if !covered.is_empty() {
            missing.retain(|c| !covered.contains(c));
            chosen.push(Fallback {
                family: family.to_owned(),
                data: Cow::Borrowed(data),
                index: 0,
            });
        }
    }
    chosen
}

/// Regular upright faces, the preferred families first, then the rest by family name.
fn candidates(db: &fontdb::Database) -> Vec<fontdb::ID> {
    let mut faces: Vec<(usize, String, fontdb::ID)> = db
        .faces()
        .filter(|f| f.style == fontdb::Style::Normal && f.weight == fontdb::Weight::NORMAL)
        .filter(|f| !f.monospaced)
        .filter_map(|f| {
            let family = f.families.first()?.0.clone();
            let rank = PREFERRED
                .iter()
                .position(|p| *p == family)
                .unwrap_or(PREFERRED.len());
            Some((rank, family, f.id))
        })
        .collect();
    faces.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    faces.into_iter().map(|(_, _, id)| id).collect()
}

/// Which of `chars` the face has glyphs for.
fn covers(data: &[u8], index: u32, chars: &[char]) -> Vec<char> {
    let Ok(face) = ttf_parser::Face::parse(data, index) else {
        return Vec::new();
    };
    chars
        .iter()
        .copied()
        .filter(|c| face.glyph_index(*c).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn families(chosen: &[Fallback]) -> Vec<&str> {
        chosen.iter().map(|f| f.family.as_str()).collect()
    }

    #[test]
    fn the_bundled_fonts_cover_every_script_between_them() {
        let mut covered: Vec<char> = BUNDLED
            .iter()
            .flat_map(|(_, data)| covers(data, 0, &SCRIPTS))
            .collect();
        covered.sort_unstable();
        let mut all = SCRIPTS.to_vec();
        all.sort_unstable();
        assert_eq!(covered, all);
    }

    #[test]
    fn with_no_system_font_the_bundled_ones_are_used() {
        let chosen = choose(&fontdb::Database::new());
        assert_eq!(
            families(&chosen),
            [
                "Droid Sans Fallback (bundled)",
                "Copse Hangul Fallback (bundled)"
            ]
        );
    }

    #[test]
    fn system_fonts_come_first_and_the_bundled_ones_fill_the_gaps() {
        let mut db = fontdb::Database::new();
        db.load_font_data(BUNDLED[0].1.to_vec());
        // Droid covers Han and kana, not Hangul.
        assert_eq!(
            families(&choose(&db)),
            ["Droid Sans Fallback", "Copse Hangul Fallback (bundled)"]
        );
        db.load_font_data(BUNDLED[1].1.to_vec());
        assert_eq!(
            families(&choose(&db)),
            ["Droid Sans Fallback", "Copse Hangul Fallback"]
        );
    }
}
