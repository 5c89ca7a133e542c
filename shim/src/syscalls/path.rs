//! The `path_*` functions: every path is resolved inside the directory
//! descriptor it is given (see [`crate::vfs::Vfs::resolve`]).

use super::fd::set_times;
use super::{Env, SysResult};
use crate::abi::{lookupflags, oflags, rights, Errno, Filestat};
use crate::fd_table::{file_rights, Descriptor, OpenDir, OpenFile, DIR_RIGHTS};
use crate::memory::GuestMemoryExt;
use crate::vfs::{Directory, Ino, Lookup, Node};

/// A directory descriptor a path is resolved in.
#[derive(Clone, Copy)]
struct Base {
    ino: Ino,
}

/// The directory behind `fd`, after checking that it holds `needed`. A
/// file is `ENOTDIR`, a stream `EBADF` (as in wasmtime).
fn base_dir(e: &Env, fd: u32, needed: u64) -> Result<Base, Errno> {
    match e.ctx.fds.get(fd)? {
        Descriptor::Dir(d) => {
            d.rights.require(needed)?;
            Ok(Base { ino: d.ino })
        }
        Descriptor::File(_) => Err(Errno::Notdir),
        Descriptor::Stdio { .. } => Err(Errno::Badf),
    }
}

/// Reads the path argument and resolves it below `fd`.
fn lookup(e: &Env, fd: u32, needed: u64, path: u32, len: u32, follow: bool) -> Result<(Lookup, Base), Errno> {
    let base = base_dir(e, fd, needed)?;
    let path = e.mem.read_path(path, len)?;
    Ok((e.ctx.vfs.resolve(base.ino, &path, follow)?, base))
}

/// [`lookup`] for a call that changes the tree: `EPERM` below a read-only
/// preopen.
fn lookup_mut(e: &Env, fd: u32, needed: u64, path: u32, len: u32, follow: bool) -> Result<Lookup, Errno> {
    let base = base_dir(e, fd, needed)?;
    // Read-only is checked before the path (wasmtime's order), and again on
    // the directory the change lands in: that is the inode changed.
    e.ctx.vfs.check_mutable(base.ino)?;
    let (l, _) = lookup(e, fd, needed, path, len, follow)?;
    e.ctx.vfs.check_mutable(l.parent)?;
    Ok(l)
}

fn is_dir(e: &Env, ino: Ino) -> Result<bool, Errno> {
    Ok(matches!(e.ctx.vfs.get(ino)?.node, Node::Dir(_)))
}

/// The inode a lookup found; `ENOENT` if none, `ENOTDIR` if a trailing `/`
/// names a non-directory.
fn existing(e: &Env, l: &Lookup) -> Result<Ino, Errno> {
    let ino = l.ino.ok_or(Errno::Noent)?;
    if l.trailing_slash && !is_dir(e, ino)? {
        return Err(Errno::Notdir);
    }
    Ok(ino)
}

/// `path_open`, with wasmtime's answers: the requested rights decide
/// whether the file is opened for reading and/or writing, a directory
/// opened for writing is `EISDIR`, a symbolic link not followed is `ELOOP`.
#[allow(clippy::too_many_arguments)]
pub fn path_open(
    e: &mut Env,
    fd: u32,
    dirflags: u32,
    path: u32,
    path_len: u32,
    oflags: u32,
    rights_base: u64,
    rights_inheriting: u64,
    fdflags: u32,
    opened_fd: u32,
) -> SysResult {
    let oflags = u16::try_from(oflags).map_err(|_| Errno::Inval)?;
    let fdflags = u16::try_from(fdflags).map_err(|_| Errno::Inval)?;
    if oflags & !oflags::ALL != 0 || fdflags & !crate::abi::fdflags::ALL != 0 {
        return Err(Errno::Inval.into());
    }
    let creat = oflags & oflags::CREAT != 0;
    let trunc = oflags & oflags::TRUNC != 0;
    let want_dir = oflags & oflags::DIRECTORY != 0;
    if creat && want_dir {
        return Err(Errno::Inval.into());
    }
    let mut needed = rights::PATH_OPEN;
    if creat {
        needed |= rights::PATH_CREATE_FILE;
    }
    // wasmtime's rule: FD_WRITE opens for writing, FD_READ or FD_READDIR
    // (or nothing else) for reading; the other rights open neither.
    let write = rights_base & rights::FD_WRITE != 0;
    let read = rights_base & (rights::FD_READ | rights::FD_READDIR) != 0 || !write;
    let follow = dirflags & lookupflags::SYMLINK_FOLLOW != 0;
    let (l, base) = lookup(e, fd, needed, path, path_len, follow)?;
    if write || creat || trunc {
        e.ctx.vfs.check_mutable(base.ino)?;
        e.ctx.vfs.check_mutable(l.ino.unwrap_or(l.parent))?;
    }
    let now = e.now();
    let ino = match l.ino {
        Some(ino) => {
            if creat && oflags & oflags::EXCL != 0 {
                return Err(Errno::Exist.into());
            }
            match e.ctx.vfs.get(ino)?.node {
                Node::Symlink(_) => return Err(Errno::Loop.into()),
                Node::Dir(_) if write || trunc => return Err(Errno::Isdir.into()),
                Node::Dir(_) => {}
                Node::File(_) if want_dir || l.trailing_slash => return Err(Errno::Notdir.into()),
                Node::File(_) if trunc => super::fd::set_size(e, ino, 0)?,
                Node::File(_) => {}
            }
            ino
        }
        None if !creat => return Err(Errno::Noent.into()),
        None if l.trailing_slash => return Err(Errno::Isdir.into()),
        None => e.ctx.vfs.create(l.parent, &l.name, Node::File(Default::default()), now)?,
    };
    let d = if is_dir(e, ino)? {
        Descriptor::Dir(OpenDir { ino, preopen: None, fdflags, rights: DIR_RIGHTS })
    } else {
        Descriptor::File(OpenFile { ino, pos: 0, fdflags, rights: file_rights(read, write), read, write })
    };
    let _ = rights_inheriting;
    let new_fd = e.ctx.fds.insert(d)?;
    e.ctx.vfs.retain(ino);
    if let Err(err) = e.mem.write_u32(opened_fd, new_fd) {
        // Do not leak a descriptor the guest never learns about.
        let _ = super::fd::fd_close(e, new_fd);
        return Err(err.into());
    }
    Ok(())
}

/// `path_create_directory`.
pub fn path_create_directory(e: &mut Env, fd: u32, path: u32, path_len: u32) -> SysResult {
    let l = lookup_mut(e, fd, rights::PATH_CREATE_DIRECTORY, path, path_len, false)?;
    if l.ino.is_some() {
        return Err(Errno::Exist.into());
    }
    let now = e.now();
    e.ctx.vfs.create(l.parent, &l.name, Node::Dir(Directory::default()), now)?;
    Ok(())
}

/// `path_filestat_get`.
pub fn path_filestat_get(e: &mut Env, fd: u32, flags: u32, path: u32, path_len: u32, buf: u32) -> SysResult {
    let follow = flags & lookupflags::SYMLINK_FOLLOW != 0;
    let (l, _) = lookup(e, fd, rights::PATH_FILESTAT_GET, path, path_len, follow)?;
    let st = e.ctx.vfs.stat(existing(e, &l)?)?;
    e.mem.write(buf, &st.encode(e.flavor)[..Filestat::size_of(e.flavor)])?;
    Ok(())
}

/// `path_filestat_set_times`.
#[allow(clippy::too_many_arguments)]
pub fn path_filestat_set_times(
    e: &mut Env,
    fd: u32,
    flags: u32,
    path: u32,
    path_len: u32,
    atim: u64,
    mtim: u64,
    fst_flags: u32,
) -> SysResult {
    let follow = flags & lookupflags::SYMLINK_FOLLOW != 0;
    let l = lookup_mut(e, fd, rights::PATH_FILESTAT_SET_TIMES, path, path_len, follow)?;
    let ino = existing(e, &l)?;
    e.ctx.vfs.check_mutable(ino)?;
    set_times(e, ino, atim, mtim, fst_flags)
}

/// `path_link`: a new hard link to a non-directory.
#[allow(clippy::too_many_arguments)]
pub fn path_link(
    e: &mut Env,
    old_fd: u32,
    old_flags: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> SysResult {
    let follow = old_flags & lookupflags::SYMLINK_FOLLOW != 0;
    // A link changes its source (its link count), so a read-only preopen
    // refuses to be one (EPERM, as wasmtime): otherwise the new name would
    // be a writable alias of a read-only file.
    let old = lookup_mut(e, old_fd, rights::PATH_LINK_SOURCE, old_path, old_path_len, follow)?;
    let new = lookup_mut(e, new_fd, rights::PATH_LINK_TARGET, new_path, new_path_len, false)?;
    let ino = existing(e, &old)?;
    e.ctx.vfs.check_mutable(ino)?;
    if is_dir(e, ino)? {
        return Err(Errno::Perm.into());
    }
    if new.ino.is_some() {
        return Err(Errno::Exist.into());
    }
    if new.trailing_slash {
        return Err(Errno::Noent.into());
    }
    let now = e.now();
    e.ctx.vfs.link(new.parent, &new.name, ino, now)?;
    Ok(())
}

/// `path_readlink`: the target, truncated to the buffer.
pub fn path_readlink(
    e: &mut Env,
    fd: u32,
    path: u32,
    path_len: u32,
    buf: u32,
    buf_len: u32,
    bufused: u32,
) -> SysResult {
    let (l, _) = lookup(e, fd, rights::PATH_READLINK, path, path_len, false)?;
    let ino = existing(e, &l)?;
    let Node::Symlink(target) = &e.ctx.vfs.get(ino)?.node else {
        return Err(Errno::Inval.into());
    };
    let bytes = target.as_bytes();
    let n = bytes.len().min(buf_len as usize);
    let bytes = bytes[..n].to_vec();
    e.mem.write(buf, &bytes)?;
    e.mem.write_u32(bufused, n as u32)?;
    Ok(())
}

/// `path_remove_directory`: only empty directories. `.`, `..` and a path
/// ending in `/` name the directory through itself and are `EINVAL`.
pub fn path_remove_directory(e: &mut Env, fd: u32, path: u32, path_len: u32) -> SysResult {
    let l = lookup_mut(e, fd, rights::PATH_REMOVE_DIRECTORY, path, path_len, false)?;
    let ino = l.ino.ok_or(Errno::Noent)?;
    let dir = match e.ctx.vfs.dir(ino) {
        Err(Errno::Notdir) => return Err(Errno::Notdir.into()),
        other => other?,
    };
    if l.name == "." || l.trailing_slash {
        return Err(Errno::Inval.into());
    }
    if !dir.is_empty() {
        return Err(Errno::Notempty.into());
    }
    let now = e.now();
    e.ctx.vfs.unlink(l.parent, &l.name, now)?;
    Ok(())
}

/// `path_unlink_file`: anything but a directory.
pub fn path_unlink_file(e: &mut Env, fd: u32, path: u32, path_len: u32) -> SysResult {
    let l = lookup_mut(e, fd, rights::PATH_UNLINK_FILE, path, path_len, false)?;
    let ino = l.ino.ok_or(Errno::Noent)?;
    if is_dir(e, ino)? {
        return Err(Errno::Isdir.into());
    }
    if l.trailing_slash {
        return Err(Errno::Notdir.into());
    }
    let now = e.now();
    e.ctx.vfs.unlink(l.parent, &l.name, now)?;
    Ok(())
}

/// `path_rename`, with POSIX `rename(2)` rules.
pub fn path_rename(
    e: &mut Env,
    fd: u32,
    old_path: u32,
    old_path_len: u32,
    new_fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> SysResult {
    let from = lookup_mut(e, fd, rights::PATH_RENAME_SOURCE, old_path, old_path_len, false)?;
    let to = lookup_mut(e, new_fd, rights::PATH_RENAME_TARGET, new_path, new_path_len, false)?;
    let src = from.ino.ok_or(Errno::Noent)?;
    if from.name == "." || to.name == "." {
        return Err(Errno::Busy.into());
    }
    let src_dir = is_dir(e, src)?;
    if !src_dir && (from.trailing_slash || to.trailing_slash) {
        return Err(Errno::Notdir.into());
    }
    if let Some(dst) = to.ino {
        match (src_dir, is_dir(e, dst)?) {
            (true, false) => return Err(Errno::Notdir.into()),
            (false, true) => return Err(Errno::Isdir.into()),
            (true, true) if dst != src && !e.ctx.vfs.dir(dst)?.is_empty() => {
                return Err(Errno::Notempty.into())
            }
            _ => {}
        }
    }
    if src_dir && e.ctx.vfs.is_within(to.parent, src) {
        return Err(Errno::Inval.into());
    }
    let now = e.now();
    e.ctx.vfs.rename(from.parent, &from.name, to.parent, &to.name, now)?;
    Ok(())
}

/// `path_symlink`: creates `new_path` pointing at `old_path` (stored as
/// given; it is only resolved, sandboxed, when followed).
pub fn path_symlink(
    e: &mut Env,
    old_path: u32,
    old_path_len: u32,
    fd: u32,
    new_path: u32,
    new_path_len: u32,
) -> SysResult {
    let target = e.mem.read_path(old_path, old_path_len)?;
    let l = lookup_mut(e, fd, rights::PATH_SYMLINK, new_path, new_path_len, false)?;
    if target.is_empty() {
        return Err(Errno::Noent.into());
    }
    if target.contains('\0') {
        return Err(Errno::Inval.into());
    }
    if target.starts_with('/') {
        return Err(Errno::Perm.into());
    }
    if l.ino.is_some() {
        return Err(Errno::Exist.into());
    }
    if l.trailing_slash {
        return Err(Errno::Noent.into());
    }
    let now = e.now();
    e.ctx.vfs.create(l.parent, &l.name, Node::Symlink(target), now)?;
    Ok(())
}
