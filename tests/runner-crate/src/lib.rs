//! Something to test: counting words in a file.

/// The number of whitespace-separated words in `text`.
pub fn words(text: &str) -> usize {
    text.split_whitespace().count()
}
