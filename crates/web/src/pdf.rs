//! The copies members keep [001 "mentee and mentor keep a copy"]: A4 pages of headings and
//! paragraphs, written by krilla. Lines are broken by the width the text takes in its font
//! (DejaVu Sans, measured by shaping with rustybuzz), not by counting characters, and the font
//! is embedded (subset to the letters used), so any name or language shows as typed.

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use std::sync::LazyLock;

/// A block of the document.
pub enum Block {
    Title(String),
    Heading(String),
    Label(String),
    Text(String),
    Gap,
}

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
/// The width a line may take.
const MEASURE: f32 = WIDTH - 2.0 * MARGIN;

/// A face: the font to draw with, and its outlines to measure with.
struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8]) -> Self {
        // The fonts are built in: failing to read them is a broken build, not bad input.
        #[allow(clippy::expect_used)]
        Self {
            font: Font::new(data.to_vec().into(), 0).expect("the built-in font reads"),
            shaper: rustybuzz::Face::from_slice(data, 0).expect("the built-in font shapes"),
        }
    }

    /// The width `text` takes at `size` points.
    fn width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / self.shaper.units_per_em() as f32
    }

    /// Breaks `text` into lines no wider than `max` at `size`: at spaces, and inside a word
    /// only when the word alone is wider than a line. Each line of the text starts a line.
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let fits = |s: &str| self.width(s, size) <= max;
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        for para in text.lines() {
            let (mut line, mut used) = (String::new(), 0.0);
            for word in para.split_whitespace() {
                let w = self.width(word, size);
                if !line.is_empty() && used + space + w <= max {
                    line.push(' ');
                    line.push_str(word);
                    used += space + w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                // A word too wide for a line is cut where it fills one.
                let mut rest = word;
                while !fits(rest) {
                    let cut = rest
                        .char_indices()
                        .map(|(i, _)| i)
                        .rev()
                        .find(|&i| i > 0 && fits(&rest[..i]))
                        .unwrap_or_else(|| rest.chars().next().map_or(rest.len(), char::len_utf8));
                    lines.push(rest[..cut].to_owned());
                    rest = &rest[cut..];
                }
                used = self.width(rest, size);
                line = rest.to_owned();
            }
            lines.push(line);
        }
        lines
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| Fonts {
    regular: Face::load(dejavu::sans::regular()),
    bold: Face::load(dejavu::sans::bold()),
});

/// One line on a page: its face, size, baseline (from the top) and text.
struct Line {
    bold: bool,
    size: f32,
    y: f32,
    text: String,
}

/// Lays the blocks out on pages.
fn layout(blocks: &[Block]) -> Vec<Vec<Line>> {
    let fonts = &*FONTS;
    let mut pages = vec![Vec::new()];
    let mut y = MARGIN;
    let mut put = |bold: bool, size: f32, text: String, pages: &mut Vec<Vec<Line>>| {
        let lead = size * 1.35;
        if y + lead > HEIGHT - MARGIN {
            pages.push(Vec::new());
            y = MARGIN;
        }
        y += lead;
        if let Some(p) = pages.last_mut() {
            p.push(Line {
                bold,
                size,
                y,
                text,
            });
        }
    };
    let mut lines = |bold: bool, size: f32, text: &str, pages: &mut Vec<Vec<Line>>| {
        let face = if bold { &fonts.bold } else { &fonts.regular };
        for l in face.wrap(text, size, MEASURE) {
            put(bold, size, l, pages);
        }
    };
    for b in blocks {
        match b {
            Block::Title(t) => {
                lines(true, 18.0, t, &mut pages);
                lines(false, 6.0, "", &mut pages);
            }
            Block::Heading(t) => {
                lines(false, 6.0, "", &mut pages);
                lines(true, 13.0, t, &mut pages);
            }
            Block::Label(t) => lines(true, 10.0, t, &mut pages),
            Block::Text(t) => lines(false, 10.0, t, &mut pages),
            Block::Gap => lines(false, 6.0, "", &mut pages),
        }
    }
    pages
}

/// The PDF file for the blocks.
pub fn document(title: &str, blocks: &[Block]) -> Vec<u8> {
    let fonts = &*FONTS;
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title.to_owned())
            .producer("Trellis".to_owned()),
    );
    for lines in layout(blocks) {
        let Some(settings) = PageSettings::from_wh(WIDTH, HEIGHT) else {
            continue;
        };
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        for l in lines.iter().filter(|l| !l.text.is_empty()) {
            let face = if l.bold { &fonts.bold } else { &fonts.regular };
            surface.draw_text(
                Point::from_xy(MARGIN, l.y),
                face.font.clone(),
                l.size,
                &l.text,
                false,
                TextDirection::Auto,
            );
        }
        surface.finish();
        page.finish();
    }
    doc.finish().unwrap_or_else(|e| {
        tracing::error!(error = ?e, "writing a PDF failed");
        Vec::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(pdf: &[u8]) -> String {
        pdf_extract::extract_text_from_mem(pdf).expect("the PDF reads back")
    }

    #[test]
    fn a_long_copy_runs_over_pages_and_reads_back_as_written() {
        let long = "word ".repeat(3000);
        let pdf = document(
            "Agreement (v2)",
            &[
                Block::Title("Mentoring Relationship Agreement".into()),
                Block::Label("Goals".into()),
                Block::Text(long),
                Block::Text("Zoë’s (draft) \\ notes — 100 € ✓ Łukasz Ørsted".into()),
            ],
        );
        assert!(pdf.starts_with(b"%PDF-"));
        let text = text_of(&pdf);
        assert!(text.contains("Mentoring Relationship Agreement"), "{text}");
        assert!(
            text.contains("Zoë’s (draft) \\ notes — 100 € ✓ Łukasz Ørsted"),
            "every letter as typed: {text}"
        );
        assert_eq!(
            text.matches("word").count(),
            3000,
            "nothing lost over pages"
        );
        assert!(
            layout(&[Block::Text("word ".repeat(3000))]).len() > 3,
            "several pages"
        );
    }

    #[test]
    fn lines_break_by_width_not_by_letter_count() {
        let f = &FONTS.regular;
        let max = f.width("mmmmmmmmmm", 10.0);
        // Narrow letters fit many more to a line than wide ones.
        assert_eq!(f.wrap(&"i".repeat(20), 10.0, max).len(), 1);
        assert!(f.wrap(&"m".repeat(20), 10.0, max).len() >= 2);
        for line in f.wrap(&"lorem ipsum dolor sit amet ".repeat(40), 10.0, MEASURE) {
            assert!(f.width(&line, 10.0) <= MEASURE, "{line}");
        }
        assert_eq!(
            f.wrap("one two three", 10.0, f.width("one two", 10.0)),
            vec!["one two", "three"]
        );
        assert_eq!(f.wrap("a\nb", 10.0, MEASURE), vec!["a", "b"]);
        let cut = f.wrap(&"x".repeat(300), 10.0, MEASURE);
        assert!(
            cut.len() > 1 && cut.concat() == "x".repeat(300),
            "an overlong word is cut, not lost"
        );
    }
}
