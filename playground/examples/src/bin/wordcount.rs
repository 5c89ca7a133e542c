//! Reads stdin and counts lines, words and characters, then lists the most
//! frequent words.
use std::collections::HashMap;
use std::io::Read;

fn main() {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("stdin is not UTF-8 text: {e}");
        std::process::exit(1);
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    println!("{} lines, {} words, {} characters", text.lines().count(), words.len(), text.chars().count());
    let mut freq: HashMap<&str, usize> = HashMap::new();
    for w in &words {
        *freq.entry(w).or_default() += 1;
    }
    let mut top: Vec<_> = freq.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (w, n) in top.into_iter().take(5) {
        println!("{n:>4}  {w}");
    }
}
