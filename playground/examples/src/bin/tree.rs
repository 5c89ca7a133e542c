//! tree [DIR]: draws a directory tree with file sizes, and writes a summary
//! to DIR/tree.txt.
use std::path::Path;

fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>, totals: &mut (u64, u64)) {
    let mut entries: Vec<_> = match std::fs::read_dir(dir) {
        Ok(e) => e.filter_map(Result::ok).collect(),
        Err(e) => {
            out.push(format!("{prefix}[error: {e}]"));
            return;
        }
    };
    entries.sort_by_key(|e| e.file_name());
    let count = entries.len();
    for (i, e) in entries.into_iter().enumerate() {
        let last = i + 1 == count;
        let name = e.file_name().to_string_lossy().into_owned();
        let branch = if last { "└── " } else { "├── " };
        let meta = e.metadata();
        if meta.as_ref().is_ok_and(|m| m.is_dir()) {
            totals.0 += 1;
            out.push(format!("{prefix}{branch}\x1b[1;34m{name}/\x1b[0m"));
            let next = format!("{prefix}{}", if last { "    " } else { "│   " });
            walk(&e.path(), &next, out, totals);
        } else {
            totals.1 += 1;
            let size = meta.map(|m| m.len()).unwrap_or(0);
            out.push(format!("{prefix}{branch}{name} \x1b[2m({size} bytes)\x1b[0m"));
        }
    }
}

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| "/data".into());
    let mut lines = vec![format!("\x1b[1;34m{root}\x1b[0m")];
    let mut totals = (0, 0);
    walk(Path::new(&root), "", &mut lines, &mut totals);
    for l in &lines {
        println!("{l}");
    }
    let summary = format!("{} directories, {} files\n", totals.0, totals.1);
    print!("\n{summary}");
    if let Err(e) = std::fs::write(Path::new(&root).join("tree.txt"), &summary) {
        eprintln!("could not write the summary: {e}");
    }
}
