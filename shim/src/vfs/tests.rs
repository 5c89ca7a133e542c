use super::*;
use crate::abi::Filetype;
use std::any::Any;
use std::rc::Rc;

fn sample() -> (Vfs, Ino) {
    let mut v = Vfs::new();
    let root = v.new_root(1, false).unwrap();
    let sub = v.create(root, "sub", Node::Dir(Directory::default()), 1).unwrap();
    v.create(sub, "f", Node::File(b"hi".to_vec().into()), 1).unwrap();
    v.create(root, "up", Node::Symlink("..".into()), 1).unwrap();
    v.create(root, "to_f", Node::Symlink("sub/f".into()), 1).unwrap();
    v.create(root, "abs", Node::Symlink("/etc".into()), 1).unwrap();
    v.create(root, "loop", Node::Symlink("loop".into()), 1).unwrap();
    (v, root)
}

#[test]
fn resolve_follows_intermediate_and_optional_final_links() {
    let (v, root) = sample();
    let f = v.resolve(root, "to_f", true).unwrap();
    assert_eq!(v.get(f.ino.unwrap()).unwrap().filetype(), Filetype::RegularFile);
    let l = v.resolve(root, "to_f", false).unwrap();
    assert_eq!(v.get(l.ino.unwrap()).unwrap().filetype(), Filetype::SymbolicLink);
    assert_eq!(v.resolve(root, "sub/./f", false).unwrap().name, "f");
    assert_eq!(v.resolve(root, "sub/../sub/f", false).unwrap().name, "f");
}

#[test]
fn resolve_refuses_to_escape_the_base() {
    let (v, root) = sample();
    assert_eq!(v.resolve(root, "..", false), Err(Errno::Perm));
    assert_eq!(v.resolve(root, "sub/../../x", false), Err(Errno::Perm));
    assert_eq!(v.resolve(root, "/etc/passwd", false), Err(Errno::Perm));
    assert_eq!(v.resolve(root, "up/x", false), Err(Errno::Perm));
    assert_eq!(v.resolve(root, "abs", true), Err(Errno::Perm));
    assert!(v.resolve(root, "abs", false).is_ok());
}

#[test]
fn resolve_reports_loops_and_missing_dirs() {
    let (v, root) = sample();
    assert_eq!(v.resolve(root, "loop", true), Err(Errno::Loop));
    assert_eq!(v.resolve(root, "nope/x", false), Err(Errno::Noent));
    assert_eq!(v.resolve(root, "sub/f/x", false), Err(Errno::Notdir));
    let missing = v.resolve(root, "sub/new", false).unwrap();
    assert_eq!((missing.name.as_str(), missing.ino), ("new", None));
}

#[test]
fn unlinked_open_file_survives_until_released() {
    let (mut v, root) = sample();
    let l = v.resolve(root, "sub/f", false).unwrap();
    let ino = l.ino.unwrap();
    v.retain(ino);
    v.unlink(l.parent, "f", 2).unwrap();
    assert_eq!(v.get(ino).unwrap().nlink, 0);
    v.release(ino);
    assert!(v.get(ino).is_err());
}

#[test]
fn directory_link_counts_follow_subdirectories() {
    let (mut v, root) = sample();
    assert_eq!(v.get(root).unwrap().nlink, 3);
    let sub = v.resolve(root, "sub", false).unwrap().ino.unwrap();
    v.create(sub, "d", Node::Dir(Directory::default()), 2).unwrap();
    v.rename(sub, "d", root, "d", 3).unwrap();
    assert_eq!(v.get(root).unwrap().nlink, 4);
    assert_eq!(v.get(sub).unwrap().nlink, 2);
}

#[derive(Debug)]
struct Borrowed(Vec<u8>);

impl ExternalBytes for Borrowed {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn read(&self, offset: usize, dst: &mut [u8]) -> Result<(), Errno> {
        dst.copy_from_slice(&self.0[offset..offset + dst.len()]);
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn external_contents_are_copied_only_where_changed() {
    let big: Vec<u8> = (0..3 * CHUNK).map(|i| (i % 251) as u8).collect();
    let outside = Rc::new(Borrowed(big.clone()));
    let mut data = FileData::external(outside.clone());
    assert_eq!(data.len(), 3 * CHUNK);
    assert_eq!(data, FileData::from_vec(big.clone()));
    data.write(CHUNK + 5, b"xy").unwrap();
    // Only the chunk written was copied in.
    assert_eq!(data.owned_bytes(), CHUNK);
    let mut want = big.clone();
    want[CHUNK as usize + 5..CHUNK as usize + 7].copy_from_slice(b"xy");
    assert_eq!(data.to_vec().unwrap(), want);
    assert_eq!(outside.0, big);
}

#[test]
fn a_far_write_allocates_only_what_it_writes() {
    let mut data = FileData::default();
    let far = 3 << 30; // 3 GiB
    assert_eq!(data.growth_for(far, 1), 1);
    data.write(far, b"!").unwrap();
    assert_eq!((data.len(), data.owned_bytes()), (far + 1, 1));
    let mut tail = [9u8; 4];
    data.read(far - 3, &mut tail).unwrap();
    assert_eq!(tail, [0, 0, 0, b'!']);
    // A hole reads as one segment, however long.
    assert!(matches!(data.segments(0, far).next(), Some(Segment::Zeros(n)) if n as u64 == 1 << 30));
    assert_eq!(data.set_len(10), 1);
    assert_eq!((data.len(), data.owned_bytes()), (10, 0));
}

#[test]
fn truncation_cuts_the_base_and_growth_is_a_hole() {
    let mut data = FileData::from_vec(b"abcdef".to_vec());
    data.set_len(2);
    data.set_len(6);
    assert_eq!(data.to_vec().unwrap(), b"ab\0\0\0\0");
    assert_eq!(data.owned_bytes(), 0);
}

#[test]
fn a_removed_directory_gains_no_entries_and_is_its_own_parent() {
    let (mut v, root) = sample();
    let p = v.create(root, "p", Node::Dir(Directory::default()), 1).unwrap();
    let d = v.create(p, "d", Node::Dir(Directory::default()), 1).unwrap();
    v.retain(d); // an open descriptor keeps it
    v.unlink(p, "d", 2).unwrap();
    v.unlink(root, "p", 2).unwrap();
    assert_eq!(v.create(d, "e", Node::Dir(Directory::default()), 3), Err(Errno::Noent));
    assert_eq!(v.dir(d).unwrap().parent, d);
    assert!(!v.is_within(d, root));
    // Inode numbers are reused, and walks up still end.
    let reused = v.create(root, "q", Node::Dir(Directory::default()), 4).unwrap();
    assert!(v.is_within(reused, root));
    assert!(!v.is_within(d, reused));
    v.check().unwrap();
}

#[test]
fn limits_refuse_what_does_not_fit() {
    let (mut v, root) = sample();
    let (_, inodes) = v.usage();
    v.set_limits(VfsLimits { file_bytes: 10, inodes: inodes + 1 });
    let f = v.create(root, "new", Node::File(FileData::default()), 1).unwrap();
    assert_eq!(v.create(root, "one_more", Node::File(FileData::default()), 1), Err(Errno::Nospc));
    let mut bytes = [7u8; 32];
    let mem = crate::memory::SliceMemory(&mut bytes);
    let iov = [crate::memory::Iovec { ptr: 0, len: 11 }];
    assert_eq!(v.write_file(f, 0, &mem, &iov, 11, 2), Err(Errno::Nospc));
    let iov = [crate::memory::Iovec { ptr: 0, len: 10 }];
    assert_eq!(v.write_file(f, 0, &mem, &iov, 10, 2), Ok(()));
    // Freeing gives the room back.
    v.unlink(root, "new", 3).unwrap();
    assert_eq!(v.usage().0, 0);
    v.check().unwrap();
}

#[test]
fn a_deep_tree_is_read_back_and_dropped_without_recursion() {
    let mut v = Vfs::new();
    let root = v.new_root(1, false).unwrap();
    let mut dir = root;
    // As deep as a path can name (2048 levels of "d"), and no deeper.
    for _ in 0..2048 {
        dir = v.create(dir, "d", Node::Dir(Directory::default()), 1).unwrap();
    }
    assert_eq!(v.create(dir, "d", Node::Dir(Directory::default()), 1), Err(Errno::Nametoolong));
    v.check().unwrap();
    let tree = v.tree(root).unwrap();
    let mut depth = 0;
    let mut at = &tree;
    while let Tree::Dir(e) = at {
        match e.get("d") {
            Some(next) => {
                at = next;
                depth += 1;
            }
            None => break,
        }
    }
    assert_eq!(depth, 2048);
    drop(tree);
    let mut copy = Vfs::new();
    let top = copy.new_root(1, false).unwrap();
    let mut rebuilt = v.tree(root).unwrap();
    copy.fill(top, rebuilt.take_entries().unwrap(), 1).unwrap();
    assert_eq!(copy.usage().1, 2049);
    copy.check().unwrap();
}

#[test]
fn readdir_order_is_creation_order_and_resumable() {
    let (mut v, root) = sample();
    let names: Vec<_> = v.dir(root).unwrap().entries_from(0).map(|e| e.1.to_string()).collect();
    assert_eq!(names, ["sub", "up", "to_f", "abs", "loop"]);
    v.unlink(root, "up", 2).unwrap();
    let rest: Vec<_> = v.dir(root).unwrap().entries_from(2).map(|e| e.1.to_string()).collect();
    assert_eq!(rest, ["to_f", "abs", "loop"]);
}

#[test]
fn a_rename_keeps_paths_within_path_max() {
    let (mut v, root) = sample();
    let long = "n".repeat(255);
    let mut dir = root;
    // 15 levels of 255-byte names: a path of 3839 bytes.
    for _ in 0..15 {
        dir = v.create(dir, &long, Node::Dir(Directory::default()), 1).unwrap();
    }
    let sub = v.resolve(root, "sub", false).unwrap().ino.unwrap();
    // sub/f is 5 bytes: moving sub below the chain makes 3839 + 1 + 3 + 1 + 1.
    assert_eq!(v.rename(root, "sub", dir, "sub", 2), Ok(()));
    v.check().unwrap();
    v.rename(dir, "sub", root, "sub", 3).unwrap();
    let deeper = v.create(sub, &"x".repeat(252), Node::Dir(Directory::default()), 4).unwrap();
    v.create(deeper, "y", Node::File(FileData::default()), 4).unwrap();
    assert_eq!(v.rename(root, "sub", dir, "sub", 5), Err(Errno::Nametoolong));
    v.check().unwrap();
}

#[test]
fn a_write_past_a_short_base_takes_nothing_from_it() {
    // Found by the fuzz driver: a chunk beyond the end of a file's base
    // read the base at an offset past its end.
    let mut data = FileData::from_vec(b"abc".to_vec());
    data.write(CHUNK + 1, b"z").unwrap();
    let mut back = [9u8; 5];
    data.read(CHUNK - 1, &mut back).unwrap();
    assert_eq!(back, [0, 0, b'z', 0, 0]);
    assert_eq!(&data.to_vec().unwrap()[..3], b"abc");
}

/// A store root with `a/` and `f` listed, and the store.
fn store_sample(move_dirs: bool) -> (Vfs, Ino, Rc<Store>) {
    let mut v = Vfs::new();
    let store = Rc::new(Store::new(StoreAbilities { move_dirs }));
    let (root, _) = v.new_store_root(&store, 1, false).unwrap();
    let listed = [
        ListedEntry { name: "a".into(), dir: true, size: 0, mtim: 5 },
        ListedEntry { name: "f".into(), dir: false, size: 3, mtim: 5 },
    ];
    v.put_listing(root, &listed).unwrap();
    (v, root, store)
}

#[test]
fn a_store_directory_is_listed_before_anything_resolves_in_it() {
    let mut v = Vfs::new();
    let store = Rc::new(Store::default());
    let (root, key) = v.new_store_root(&store, 1, false).unwrap();
    assert_eq!(v.resolve(root, "x", false), Err(Errno::Io));
    assert_eq!(store.take_need(), Some(Need::List { ino: root, key }));
    let keys = v.put_listing(root, &[ListedEntry { name: "x".into(), dir: true, size: 0, mtim: 0 }]).unwrap();
    let x = v.resolve(root, "x", false).unwrap().ino.unwrap();
    assert_eq!(v.get(x).unwrap().store, keys[0]);
    // x's own entries are not read until something looks inside it.
    assert!(store.take_need().is_none());
    assert_eq!(v.resolve(root, "x/y", false), Err(Errno::Io));
    assert_eq!(store.take_need(), Some(Need::List { ino: x, key: keys[0] }));
}

#[test]
fn a_listing_leaves_out_names_a_guest_cannot_have() {
    let mut v = Vfs::new();
    let store = Rc::new(Store::default());
    let (root, _) = v.new_store_root(&store, 1, false).unwrap();
    let entry = |name: &str| ListedEntry { name: name.into(), dir: false, size: 0, mtim: 0 };
    let keys =
        v.put_listing(root, &[entry("ok"), entry(".."), entry(&"n".repeat(256)), entry("a/b")]).unwrap();
    assert_ne!(keys[0], 0);
    assert_eq!(&keys[1..], [0, 0, 0]);
    assert_eq!(v.dir(root).unwrap().len(), 1);
}

#[test]
fn a_store_has_no_links_and_moves_directories_only_when_it_can() {
    let (mut v, root, store) = store_sample(false);
    let f = v.resolve(root, "f", false).unwrap().ino.unwrap();
    assert_eq!(v.create(root, "l", Node::Symlink("f".into()), 2), Err(Errno::Perm));
    assert_eq!(v.create(root, "f", Node::Symlink("f".into()), 2), Err(Errno::Exist));
    assert_eq!(v.link(root, "g", f, 2), Err(Errno::Perm));
    assert_eq!(v.rename(root, "a", root, "b", 2), Err(Errno::Xdev));
    assert!(!store.has_ops());
    v.rename(root, "f", root, "g", 2).unwrap();
    assert!(matches!(store.next_op(), Some(StoreOp::Move { name, .. }) if name == "g"));
    let (mut v, root, store) = store_sample(true);
    v.rename(root, "a", root, "b", 2).unwrap();
    assert!(matches!(store.next_op(), Some(StoreOp::Move { name, .. }) if name == "b"));
}

#[test]
fn renaming_into_or_out_of_a_store_is_exdev() {
    let (mut v, root, _) = store_sample(true);
    let mem = v.new_root(1, false).unwrap();
    v.create(mem, "m", Node::File(b"m".to_vec().into()), 1).unwrap();
    assert_eq!(v.rename(root, "f", mem, "f", 2), Err(Errno::Xdev));
    assert_eq!(v.rename(mem, "m", root, "m", 2), Err(Errno::Xdev));
}

#[test]
fn a_store_file_is_read_through_windows_and_written_back_only_when_changed() {
    let (mut v, root, store) = store_sample(false);
    let f = v.resolve(root, "f", false).unwrap().ino.unwrap();
    let key = v.get(f).unwrap().store;
    let mut buf = [0u8; 3];
    assert_eq!(v.file(f).unwrap().read(0, &mut buf), Err(Errno::Io));
    assert_eq!(store.take_need(), Some(Need::Read { key, offset: 0, len: 3 }));
    store.put_bytes(key, 0, b"abc".to_vec());
    v.file(f).unwrap().read(0, &mut buf).unwrap();
    assert_eq!(&buf, b"abc");
    v.sync(f);
    assert!(!store.has_ops(), "an unchanged file is not written back");
    v.set_file_len(f, 1, 2).unwrap();
    v.sync(f);
    assert_eq!(store.next_op(), Some(StoreOp::Write { ino: f, key }));
    v.written(f, key).unwrap();
    assert!(v.file(f).unwrap().is_pristine());
    assert_eq!(v.file(f).unwrap().len(), 1);
}
