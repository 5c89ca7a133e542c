//! Ordinary tests, as a crate has them: std::fs in the preopened crate
//! directory (`--dir .`), the environment the runner gives, and one that
//! fails on purpose (run with `-- --ignored`).
use std::path::Path;

#[test]
fn counts_the_words_of_a_file_it_writes() {
    let dir = Path::new("scratch");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("text.txt"), "one two  three\nfour").unwrap();
    let text = std::fs::read_to_string(dir.join("text.txt")).unwrap();
    assert_eq!(runner_crate::words(&text), 4);
    std::fs::rename(dir.join("text.txt"), dir.join("kept.txt")).unwrap();
}

#[test]
fn reads_its_own_manifest() {
    let manifest = std::fs::read_to_string("Cargo.toml").unwrap();
    assert!(manifest.contains("name = \"runner-crate\""));
}

#[test]
fn sees_the_environment_the_runner_gives() {
    assert_eq!(std::env::var("RUNNER_CRATE").as_deref(), Ok("hello"));
    assert!(std::env::var("HOME").is_err(), "the host's environment is not passed");
}

#[test]
#[ignore = "fails on purpose: run with --ignored"]
fn fails_on_purpose() {
    assert_eq!(runner_crate::words("a b"), 3, "two words are not three");
}
