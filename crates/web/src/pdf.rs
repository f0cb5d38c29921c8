//! A small PDF writer for the copies members keep [001 "mentee and mentor keep a copy"]: A4
//! pages of headings and wrapped paragraphs in the standard Helvetica fonts (no embedding, so
//! every reader has them). Text outside the Windows-1252 repertoire those fonts cover is shown
//! as `?`.

/// A block of the document.
pub enum Block {
    Title(String),
    Heading(String),
    Label(String),
    Text(String),
    Gap,
}

const WIDTH: f64 = 595.0;
const HEIGHT: f64 = 842.0;
const MARGIN: f64 = 56.0;

/// The Windows-1252 byte for a character, as the standard fonts' WinAnsiEncoding expects.
fn win_ansi(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\u{a0}'..='\u{ff}' => c as u32 as u8,
        '€' => 0x80,
        '‚' => 0x82,
        '„' => 0x84,
        '…' => 0x85,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '\t' => b' ',
        _ => b'?',
    }
}

/// A literal string `( … )` with `\`, `(` and `)` escaped.
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for c in text.chars() {
        let b = win_ansi(c);
        if matches!(b, b'\\' | b'(' | b')') {
            out.push(b'\\');
        }
        out.push(b);
    }
    out.push(b')');
    out
}

/// Splits text into lines of at most `max` characters, at spaces where possible.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word = word.to_owned();
            while word.chars().count() > max {
                let head: String = word.chars().take(max).collect();
                word = word.chars().skip(max).collect();
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                lines.push(head);
            }
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        lines.push(line);
    }
    lines
}

/// Lays the blocks out on pages: (font, size, text) lines with their y positions.
fn layout(blocks: &[Block]) -> Vec<Vec<(&'static str, f64, f64, String)>> {
    let mut pages = vec![Vec::new()];
    let mut y = HEIGHT - MARGIN;
    let mut put = |font: &'static str, size: f64, text: String, pages: &mut Vec<Vec<_>>| {
        let lead = size * 1.35;
        if y - lead < MARGIN {
            pages.push(Vec::new());
            y = HEIGHT - MARGIN;
        }
        y -= lead;
        if let Some(p) = pages.last_mut() {
            p.push((font, size, y, text));
        }
    };
    for b in blocks {
        match b {
            Block::Title(t) => {
                for l in wrap(t, 48) {
                    put("F2", 18.0, l, &mut pages);
                }
                put("F1", 6.0, String::new(), &mut pages);
            }
            Block::Heading(t) => {
                put("F1", 6.0, String::new(), &mut pages);
                for l in wrap(t, 64) {
                    put("F2", 13.0, l, &mut pages);
                }
            }
            Block::Label(t) => {
                for l in wrap(t, 84) {
                    put("F2", 10.0, l, &mut pages);
                }
            }
            Block::Text(t) => {
                for l in wrap(t, 92) {
                    put("F1", 10.0, l, &mut pages);
                }
            }
            Block::Gap => put("F1", 6.0, String::new(), &mut pages),
        }
    }
    pages
}

/// The PDF file for the blocks.
pub fn document(title: &str, blocks: &[Block]) -> Vec<u8> {
    let pages = layout(blocks);
    let mut objects: Vec<Vec<u8>> = Vec::new();
    // 1 catalog, 2 pages, 3 and 4 fonts, 5 info; then a page and its content per page.
    let first_page = 6;
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    let mut info = b"<< /Producer (Trellis) /Title ".to_vec();
    info.extend(literal(title));
    info.extend(b" >>");
    objects.push(info);
    for (i, lines) in pages.iter().enumerate() {
        let content_id = first_page + 2 * i + 1;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {content_id} 0 R >>"
            )
            .into_bytes(),
        );
        let mut stream = Vec::new();
        for (font, size, y, text) in lines.iter().filter(|l| !l.3.is_empty()) {
            stream.extend(format!("BT /{font} {size} Tf {MARGIN} {y:.1} Td ").into_bytes());
            stream.extend(literal(text));
            stream.extend(b" Tj ET\n");
        }
        let mut obj = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
        obj.extend(stream);
        obj.extend(b"\nendstream");
        objects.push(obj);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).into_bytes());
        out.extend(body);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).into_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").into_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .into_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).position(|w| w == needle)
    }

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        let long = "word ".repeat(3000);
        let pdf = document(
            "Agreement (v2)",
            &[
                Block::Title("Mentoring Relationship Agreement".into()),
                Block::Label("Goals".into()),
                Block::Text(long),
                Block::Text("Zoë’s (draft) \\ notes — 100 € ✓".into()),
            ],
        );
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let at = find(&pdf, b"startxref\n").expect("startxref") + 10;
        let tail = std::str::from_utf8(&pdf[at..]).expect("ascii");
        let xref: usize = tail
            .lines()
            .next()
            .and_then(|s| s.parse().ok())
            .expect("offset");
        assert_eq!(&pdf[xref..xref + 4], b"xref");
        let table_text = std::str::from_utf8(&pdf[xref..at]).expect("ascii");
        let table: Vec<usize> = table_text
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .map(|l| l[..10].parse().expect("offset"))
            .collect();
        assert!(table.len() > 7, "several pages: {}", table.len());
        for (i, off) in table.iter().enumerate() {
            let head = format!("{} 0 obj", i + 1);
            assert_eq!(
                &pdf[*off..off + head.len()],
                head.as_bytes(),
                "object {}",
                i + 1
            );
        }
        // Escaped parentheses and backslash; Windows-1252 bytes; unknown characters as '?'.
        assert!(find(&pdf, b"Zo\xeb\x92s \\(draft\\) \\\\ notes \x97 100 \x80 ?").is_some());
        // Every stream's length is right.
        let mut from = 0;
        while let Some(i) = find(&pdf[from..], b"/Length ") {
            let at = from + i + 8;
            let digits: String = pdf[at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .map(|b| *b as char)
                .collect();
            let n: usize = digits.parse().expect("length");
            let start = at + find(&pdf[at..], b"stream\n").expect("stream") + 7;
            assert_eq!(&pdf[start + n..start + n + 10], b"\nendstream");
            from = start;
        }
    }

    #[test]
    fn wrapping_keeps_words_whole_and_splits_only_overlong_ones() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
    }
}
