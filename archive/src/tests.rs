use super::*;

/// Every kind of entry: nested and empty directories, a binary file, an
/// empty file, a symlink, a long path, and times.
fn sample() -> Vec<Entry> {
    let e = |path: &str, kind: Kind, mtime: u64| Entry { path: path.into(), kind, mtime };
    vec![
        e("docs", Kind::Dir, 1_700_000_000),
        e("docs/readme.txt", Kind::File(b"hello\n".to_vec()), 1_700_000_002),
        e("docs/empty", Kind::Dir, 1_700_000_004),
        e("bin.dat", Kind::File((0..=255u8).cycle().take(70_000).collect()), 1_750_000_000),
        e("zero", Kind::File(Vec::new()), 1_750_000_010),
        e("link", Kind::Symlink("docs/readme.txt".into()), 1_750_000_020),
        e(&format!("{}/deep.txt", "d".repeat(120)), Kind::File(b"far".to_vec()), 1_760_000_000),
    ]
}

/// What the sample is once read back: a deep path's directories are only
/// implied, so the reader lists what was written, nothing more.
#[test]
fn zip_and_tar_and_tar_gz_round_trip_entries_bytes_and_times() {
    for format in [Format::Zip, Format::Tar, Format::TarGz] {
        let bytes = write(&sample(), format).unwrap();
        let back = read(&bytes, Limits::default()).unwrap();
        assert_eq!(back, sample(), "{format:?}");
        // And written again, the same archive.
        assert_eq!(write(&back, format).unwrap(), bytes, "{format:?} is stable");
    }
}

#[test]
fn a_tree_round_trips_through_an_archive() {
    let tree = tree_from_entries(&sample()).unwrap();
    assert_eq!(tree.get("docs/readme.txt"), Some(&Tree::file("hello\n")));
    assert_eq!(tree.get("docs/empty"), Some(&Tree::dir()));
    assert_eq!(tree.get("link"), Some(&Tree::Symlink("docs/readme.txt".into())));
    let again = tree_from_entries(
        &read(&write(&entries_from_tree(&tree, 5), Format::Zip).unwrap(), Limits::default()).unwrap(),
    )
    .unwrap();
    assert_eq!(again, tree);
}

#[test]
fn paths_that_leave_the_archive_are_refused() {
    for bad in ["../etc/passwd", "/abs", "a/../../b", "nul\0"] {
        let e = Entry { path: bad.into(), kind: Kind::File(vec![]), mtime: 0 };
        assert!(matches!(write(&[e], Format::Tar), Err(ArchiveError::BadPath(_))), "{bad}");
    }
    // An archive made by another tool with such a path: refused on reading.
    let mut tar = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(1);
    h.set_entry_type(tar::EntryType::Regular);
    let name = b"../escape";
    h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
    h.set_cksum();
    tar.append(&h, &b"x"[..]).unwrap();
    assert!(matches!(read(&tar.into_inner().unwrap(), Limits::default()), Err(ArchiveError::BadPath(_))));
}

#[test]
fn a_bomb_is_too_large_not_a_full_tab() {
    let big = Entry { path: "zeros".into(), kind: Kind::File(vec![0; 8 << 20]), mtime: 0 };
    let limits = Limits { bytes: 1 << 20, entries: 10 };
    for format in [Format::Zip, Format::TarGz] {
        let bytes = write(std::slice::from_ref(&big), format).unwrap();
        assert!(bytes.len() < 64 << 10, "{format:?} compresses zeros");
        assert_eq!(read(&bytes, limits), Err(ArchiveError::TooLarge), "{format:?}");
    }
    let many: Vec<Entry> =
        (0..11).map(|i| Entry { path: format!("f{i}"), kind: Kind::Dir, mtime: 0 }).collect();
    assert_eq!(read(&write(&many, Format::Tar).unwrap(), limits), Err(ArchiveError::TooLarge));
}

#[test]
fn what_is_not_an_archive_says_so() {
    assert_eq!(read(b"just text", Limits::default()), Err(ArchiveError::NotAnArchive));
    assert!(matches!(read(b"PK\x03\x04 and then nothing", Limits::default()), Err(ArchiveError::Corrupt(_))));
    assert_eq!(read(&write(&[], Format::Zip).unwrap(), Limits::default()), Ok(vec![]));
}

#[test]
fn entries_that_collide_are_a_conflict() {
    let e = |path: &str, kind: Kind| Entry { path: path.into(), kind, mtime: 0 };
    assert!(matches!(
        tree_from_entries(&[e("a", Kind::File(vec![])), e("a/b", Kind::File(vec![]))]),
        Err(ArchiveError::Conflict(_))
    ));
    assert!(tree_from_entries(&[e("a/b", Kind::File(vec![])), e("a", Kind::Dir)]).is_ok());
}
