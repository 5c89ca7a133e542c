//! Turns program output with ANSI colour codes (SGR escapes) into styled
//! text runs, chunk by chunk: an escape or a UTF-8 character split across
//! two chunks is completed by the next one.

/// The text style an SGR sequence sets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Style {
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    /// Foreground colour index: 0–7, or 8–15 for the bright ones.
    pub fg: Option<u8>,
    pub bg: Option<u8>,
}

impl Style {
    /// CSS classes for this style (`ansi-fg-1 ansi-bold`, ...).
    pub fn classes(&self) -> String {
        let mut c = Vec::new();
        if let Some(f) = self.fg {
            c.push(format!("ansi-fg-{f}"));
        }
        if let Some(b) = self.bg {
            c.push(format!("ansi-bg-{b}"));
        }
        for (on, name) in [
            (self.bold, "ansi-bold"),
            (self.dim, "ansi-dim"),
            (self.italic, "ansi-italic"),
            (self.underline, "ansi-underline"),
        ] {
            if on {
                c.push(name.to_string());
            }
        }
        c.join(" ")
    }

    fn apply(&mut self, params: &[u32]) {
        let params = if params.is_empty() { &[0][..] } else { params };
        for &p in params {
            match p {
                0 => *self = Style::default(),
                1 => self.bold = true,
                2 => self.dim = true,
                3 => self.italic = true,
                4 => self.underline = true,
                22 => {
                    self.bold = false;
                    self.dim = false;
                }
                23 => self.italic = false,
                24 => self.underline = false,
                30..=37 => self.fg = Some((p - 30) as u8),
                39 => self.fg = None,
                40..=47 => self.bg = Some((p - 40) as u8),
                49 => self.bg = None,
                90..=97 => self.fg = Some((p - 90 + 8) as u8),
                100..=107 => self.bg = Some((p - 100 + 8) as u8),
                _ => {}
            }
        }
    }
}

/// A run of text in one style.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub style: Style,
}

/// The longest escape sequence kept whole; a longer one is dropped.
const MAX_ESCAPE: usize = 64;

/// Parses a stream of output bytes into styled spans.
#[derive(Default, Debug)]
pub struct AnsiParser {
    style: Style,
    /// Bytes held back: an unfinished escape or UTF-8 sequence.
    pending: Vec<u8>,
}

impl AnsiParser {
    /// Parses the next chunk; returns the complete spans in it.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<Span> {
        let mut bytes = std::mem::take(&mut self.pending);
        bytes.extend_from_slice(chunk);
        let mut spans = Vec::new();
        let mut text: Vec<u8> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == 0x1b {
                // ESC [ params final
                if i + 1 >= bytes.len() {
                    break;
                }
                if bytes[i + 1] != b'[' {
                    i += 2; // a lone ESC + char: drop it
                    continue;
                }
                let mut j = i + 2;
                while j < bytes.len() && j - i < MAX_ESCAPE && (bytes[j].is_ascii_digit() || bytes[j] == b';')
                {
                    j += 1;
                }
                if j - i >= MAX_ESCAPE {
                    // No terminal has parameters this long: drop the escape
                    // and go on, so that an endless one is not held back
                    // (and scanned again) with every chunk.
                    i += 2;
                    continue;
                }
                if j >= bytes.len() {
                    break; // unfinished: wait for more
                }
                if bytes[j] == b'm' {
                    self.flush(&mut text, &mut spans);
                    let params: Vec<u32> = std::str::from_utf8(&bytes[i + 2..j])
                        .unwrap_or("")
                        .split(';')
                        .filter(|p| !p.is_empty())
                        .filter_map(|p| p.parse().ok())
                        .collect();
                    self.style.apply(&params);
                }
                // other CSI sequences (cursor movement...) are dropped
                i = j + 1;
            } else {
                text.push(bytes[i]);
                i += 1;
            }
        }
        // Hold back an unfinished escape, and an unfinished UTF-8 character.
        self.pending = bytes[i..].to_vec();
        let cut = utf8_complete_prefix(&text);
        self.pending.splice(0..0, text.drain(cut..));
        self.flush(&mut text, &mut spans);
        spans
    }

    fn flush(&self, text: &mut Vec<u8>, spans: &mut Vec<Span>) {
        if !text.is_empty() {
            spans.push(Span { text: String::from_utf8_lossy(text).into_owned(), style: self.style.clone() });
            text.clear();
        }
    }
}

/// The length of the longest prefix that does not end inside a UTF-8
/// character.
fn utf8_complete_prefix(b: &[u8]) -> usize {
    for back in 1..=3.min(b.len()) {
        let c = b[b.len() - back];
        if c & 0xc0 == 0x80 {
            continue; // continuation byte: look further back
        }
        let need = if c >= 0xf0 {
            4
        } else if c >= 0xe0 {
            3
        } else if c >= 0xc0 {
            2
        } else {
            1
        };
        return if need > back { b.len() - back } else { b.len() };
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_escape_is_not_held_back() {
        let mut p = AnsiParser::default();
        p.feed(b"\x1b[");
        for _ in 0..10_000 {
            p.feed(b"1;1;1;1;1;1;1;1;");
            assert!(p.pending.len() < MAX_ESCAPE, "{} bytes held back", p.pending.len());
        }
        let spans = p.feed(b"mok");
        assert_eq!(spans.last().map(|s| s.text.as_str()), Some("mok"));
    }

    #[test]
    fn colours_and_reset() {
        let mut p = AnsiParser::default();
        let s = p.feed(b"plain \x1b[1;31mred\x1b[0m done");
        assert_eq!(s.len(), 3);
        assert_eq!(s[1].text, "red");
        assert_eq!(s[1].style.classes(), "ansi-fg-1 ansi-bold");
        assert_eq!(s[2].style, Style::default());
    }

    #[test]
    fn escapes_and_characters_split_across_chunks() {
        let mut p = AnsiParser::default();
        let a = p.feed(b"a\x1b[3");
        let b = p.feed(b"2mgreen \xe2\x96");
        let c = p.feed(b"\x88");
        assert_eq!(a[0].text, "a");
        assert_eq!(b[0].text, "green ");
        assert_eq!(b[0].style.fg, Some(2));
        assert_eq!(c[0].text, "█");
    }

    #[test]
    fn bright_colours_and_other_sequences() {
        let mut p = AnsiParser::default();
        let s = p.feed(b"\x1b[2K\x1b[92mok\x1b[39m");
        assert_eq!(s, vec![Span { text: "ok".into(), style: Style { fg: Some(10), ..Default::default() } }]);
    }
}
