use super::*;
use crate::abi::Filetype;
use std::any::Any;
use std::rc::Rc;

fn sample() -> (Vfs, Ino) {
    let mut v = Vfs::new();
    let root = v.new_root(1);
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
    fn read(&self, offset: usize, dst: &mut [u8]) {
        dst.copy_from_slice(&self.0[offset..offset + dst.len()]);
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

#[test]
fn external_contents_are_copied_only_when_changed() {
    let outside = Rc::new(Borrowed(b"abc".to_vec()));
    let mut data = FileData::External(outside.clone());
    assert_eq!((data.len(), data.to_vec()), (3, b"abc".to_vec()));
    assert_eq!(data, FileData::Owned(b"abc".to_vec()));
    data.make_mut().push(b'd');
    assert!(matches!(data, FileData::Owned(ref v) if v == b"abcd"));
    assert_eq!(outside.0, b"abc");
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
