//! The `fd_*` functions.

use super::{Env, Stop, SysResult, Wait};
use crate::abi::{
    encode_prestat_dir, fdflags, fstflags, rights, Dirent, Errno, Fdstat, Filestat, Filetype, Whence,
    ADVICE_MAX,
};
use crate::fd_table::{Descriptor, OpenFile, Stdio};
use crate::memory::{cap_iovecs, GuestMemoryExt, Iovec};
use crate::stdio::InputReady;
use crate::vfs::{Ino, Segment, MAX_FILE_SIZE};

/// Reads and bounds-checks an iovec array; returns it and its total
/// length, cut to what one call moves at most ([`crate::memory::MAX_IO_PER_CALL`]).
fn iovecs(e: &Env, ptr: u32, count: u32) -> Result<(Vec<Iovec>, u32), Errno> {
    let mut iovs = e.mem.read_iovecs(ptr, count)?;
    let total = e.mem.check_iovecs(&iovs)?;
    let total = cap_iovecs(&mut iovs, total);
    Ok((iovs, total))
}

/// What a call does with a file, deciding the errno for other kinds of
/// descriptor (wasmtime's answers): a stream gives `ESPIPE` for the
/// positioned or seeking form of its own direction and `EBADF` otherwise; a
/// directory gives `EBADF`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FileOp {
    /// `fd_pread`: needs a file open for reading.
    Pread,
    /// `fd_pwrite`: needs a file open for writing.
    Pwrite,
    /// `fd_seek`, `fd_tell`.
    Seek,
    /// Everything else that only makes sense on a file.
    Other,
}

/// The open regular file behind `fd`, for `op`.
fn file_mut<'a>(e: &'a mut Env, fd: u32, op: FileOp) -> Result<&'a mut OpenFile, Errno> {
    match e.ctx.fds.get_mut(fd)? {
        Descriptor::File(f) => {
            let allowed = match op {
                FileOp::Pread => f.read && f.rights.base & rights::FD_READ != 0,
                FileOp::Pwrite => f.write && f.rights.base & rights::FD_WRITE != 0,
                FileOp::Seek | FileOp::Other => true,
            };
            if allowed {
                Ok(f)
            } else {
                Err(Errno::Badf)
            }
        }
        Descriptor::Dir(_) => Err(Errno::Badf),
        Descriptor::Stdio { stream, .. } => match (op, *stream) {
            (FileOp::Seek, _) | (FileOp::Pread, Stdio::Stdin) => Err(Errno::Spipe),
            (FileOp::Pwrite, Stdio::Stdout | Stdio::Stderr) => Err(Errno::Spipe),
            _ => Err(Errno::Badf),
        },
    }
}

/// Copies file bytes from `pos` into the guest buffers (a page's buffer
/// straight from the page, a hole as zeros); returns the count.
fn read_at(e: &mut Env, ino: Ino, pos: u64, iovs: &[Iovec]) -> Result<u32, Errno> {
    let data = e.ctx.vfs.file(ino)?;
    let len = data.len();
    let mut at = pos.min(len);
    let start = at;
    for iov in iovs {
        let n = u64::from(iov.len).min(len - at);
        let mut ptr = iov.ptr;
        for seg in data.segments(at, n) {
            let k = seg.len() as u32;
            match seg {
                Segment::Bytes(b) => e.mem.write(ptr, b)?,
                Segment::Base(base, from, k) => e.mem.write_external(ptr, base, from, k)?,
                Segment::Zeros(_) => e.mem.fill_zero(ptr, k)?,
            }
            ptr += k;
        }
        at += n;
        if at == len {
            break;
        }
    }
    Ok((at - start) as u32)
}

/// Copies the guest buffers into the file at `pos`, growing it as needed;
/// returns the count.
fn write_at(e: &mut Env, ino: Ino, pos: u64, iovs: &[Iovec], total: u32) -> Result<u32, Errno> {
    let now = if total > 0 { e.now() } else { 0 };
    e.ctx.vfs.write_file(ino, pos, &*e.mem, iovs, total, now)?;
    Ok(total)
}

/// Notes a read in the access time, the way Linux's default `relatime`
/// mount option does: only when the file changed since it was last read
/// (so a read does not usually cost a clock read).
fn touch_atime(e: &mut Env, ino: Ino) -> Result<(), Errno> {
    let inode = e.ctx.vfs.get(ino)?;
    if inode.atim <= inode.mtim {
        let now = e.now();
        e.ctx.vfs.get_mut(ino)?.atim = now;
    }
    Ok(())
}

/// Reads stdin into the guest buffers, through a buffer of at most 64 KiB
/// (the iovecs may add up to far more than there is input). With nothing
/// available yet and nothing read, the call is pending.
fn read_stdin(e: &mut Env, iovs: &[Iovec], total: u32) -> Result<u32, Stop> {
    let mut buf = vec![0u8; total.min(64 << 10) as usize];
    let mut done = 0u32;
    'iovs: for iov in iovs {
        let mut at = 0u32;
        while at < iov.len {
            let want = ((iov.len - at) as usize).min(buf.len());
            let n = match e.ctx.stdin.read(&mut buf[..want]) {
                InputReady::Read(n) => n,
                InputReady::WouldBlock if done == 0 => return Err(Stop::Pending(Wait::Stdin)),
                InputReady::WouldBlock => break 'iovs,
            };
            e.mem.write(iov.ptr + at, &buf[..n])?;
            at += n as u32;
            done += n as u32;
            if n < want {
                break 'iovs; // what was there is read: return it
            }
        }
    }
    Ok(done)
}

/// `fd_read`.
pub fn fd_read(e: &mut Env, fd: u32, iovs: u32, iovs_len: u32, nread: u32) -> SysResult {
    let (iovs, total) = iovecs(e, iovs, iovs_len)?;
    let n = match e.ctx.fds.get(fd)? {
        Descriptor::Stdio { stream: Stdio::Stdin, rights, .. } => {
            rights.require(rights::FD_READ).map_err(|_| Errno::Badf)?;
            read_stdin(e, &iovs, total)?
        }
        Descriptor::Stdio { .. } | Descriptor::Dir(_) => return Err(Errno::Badf.into()),
        Descriptor::File(_) => {
            let f = file_mut(e, fd, FileOp::Pread)?;
            let (ino, pos) = (f.ino, f.pos);
            let n = read_at(e, ino, pos, &iovs)?;
            file_mut(e, fd, FileOp::Other)?.pos = pos + u64::from(n);
            touch_atime(e, ino)?;
            n
        }
    };
    e.mem.write_u32(nread, n)?;
    Ok(())
}

/// `fd_pread`: reads at `offset` without moving the cursor.
pub fn fd_pread(e: &mut Env, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) -> SysResult {
    let (iovs, _) = iovecs(e, iovs, iovs_len)?;
    let ino = file_mut(e, fd, FileOp::Pread)?.ino;
    let n = read_at(e, ino, offset, &iovs)?;
    touch_atime(e, ino)?;
    e.mem.write_u32(nread, n)?;
    Ok(())
}

/// `fd_write`. Stream output is copied once, straight into the capture.
/// An `APPEND` descriptor writes at the end and leaves the cursor there.
pub fn fd_write(e: &mut Env, fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) -> SysResult {
    let (iovs, total) = iovecs(e, iovs, iovs_len)?;
    match e.ctx.fds.get(fd)? {
        Descriptor::Stdio { stream, rights, .. } => {
            rights.require(rights::FD_WRITE).map_err(|_| Errno::Badf)?;
            let out = match stream {
                Stdio::Stdout => &mut e.ctx.stdout,
                Stdio::Stderr => &mut e.ctx.stderr,
                Stdio::Stdin => return Err(Errno::Badf.into()),
            };
            out.write_from(&*e.mem, &iovs, total)?;
        }
        Descriptor::Dir(_) => return Err(Errno::Badf.into()),
        Descriptor::File(_) => {
            let f = file_mut(e, fd, FileOp::Pwrite)?;
            let (ino, append, pos) = (f.ino, f.fdflags & fdflags::APPEND != 0, f.pos);
            let pos = if append { e.ctx.vfs.file(ino)?.len() } else { pos };
            let n = write_at(e, ino, pos, &iovs, total)?;
            file_mut(e, fd, FileOp::Other)?.pos = pos + u64::from(n);
        }
    }
    e.mem.write_u32(nwritten, total)?;
    Ok(())
}

/// `fd_pwrite`: writes at `offset` without moving the cursor (at the end
/// on an `APPEND` descriptor, as Linux and wasmtime do).
pub fn fd_pwrite(e: &mut Env, fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) -> SysResult {
    let (iovs, total) = iovecs(e, iovs, iovs_len)?;
    let f = file_mut(e, fd, FileOp::Pwrite)?;
    let (ino, append) = (f.ino, f.fdflags & fdflags::APPEND != 0);
    let offset = if append { e.ctx.vfs.file(ino)?.len() } else { offset };
    let n = write_at(e, ino, offset, &iovs, total)?;
    e.mem.write_u32(nwritten, n)?;
    Ok(())
}

/// `fd_seek`. Streams cannot seek (`ESPIPE`).
pub fn fd_seek(e: &mut Env, fd: u32, offset: u64, whence: u32, newoffset: u32) -> SysResult {
    let whence = u8::try_from(whence).map_err(|_| Errno::Inval)?;
    let whence = Whence::from_raw(whence, e.flavor)?;
    let f = file_mut(e, fd, FileOp::Seek)?;
    let (ino, pos) = (f.ino, f.pos);
    let base = match whence {
        Whence::Set => 0,
        Whence::Cur => pos,
        Whence::End => e.ctx.vfs.file(ino)?.len(),
    };
    let new = i64::try_from(base)
        .ok()
        .and_then(|b| b.checked_add(offset as i64))
        .filter(|&p| p >= 0)
        .ok_or(Errno::Inval)? as u64;
    file_mut(e, fd, FileOp::Seek)?.pos = new;
    e.mem.write_u64(newoffset, new)?;
    Ok(())
}

/// `fd_tell`.
pub fn fd_tell(e: &mut Env, fd: u32, offset: u32) -> SysResult {
    let pos = file_mut(e, fd, FileOp::Seek)?.pos;
    e.mem.write_u64(offset, pos)?;
    Ok(())
}

/// `fd_close`. Preopens may be closed too.
pub fn fd_close(e: &mut Env, fd: u32) -> SysResult {
    let d = e.ctx.fds.remove(fd)?;
    if let Some(ino) = d.ino() {
        // Closing a store's file makes what it wrote durable.
        e.ctx.vfs.sync(ino);
        e.ctx.vfs.release(ino);
    }
    Ok(())
}

/// `fd_renumber`: moves `fd` onto `to`, closing what `to` was.
pub fn fd_renumber(e: &mut Env, fd: u32, to: u32) -> SysResult {
    if let Some(old) = e.ctx.fds.renumber(fd, to)? {
        if let Some(ino) = old.ino() {
            e.ctx.vfs.sync(ino);
            e.ctx.vfs.release(ino);
        }
    }
    Ok(())
}

/// `fd_fdstat_get`.
pub fn fd_fdstat_get(e: &mut Env, fd: u32, stat: u32) -> SysResult {
    let d = e.ctx.fds.get(fd)?;
    let r = d.rights();
    let st = Fdstat {
        filetype: d.filetype() as u8,
        flags: d.fdflags(),
        rights_base: r.base,
        rights_inheriting: r.inheriting,
    };
    e.mem.write(stat, &st.encode())?;
    Ok(())
}

/// `fd_fdstat_set_flags`: only a file's `APPEND` and `NONBLOCK` can
/// change after opening; the synchronous-I/O flags are `EINVAL`, and
/// streams and directories `EBADF` (wasmtime's answers).
pub fn fd_fdstat_set_flags(e: &mut Env, fd: u32, flags: u32) -> SysResult {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let f = file_mut(e, fd, FileOp::Other)?;
    if flags & !(fdflags::APPEND | fdflags::NONBLOCK) != 0 {
        return Err(Errno::Inval.into());
    }
    f.rights.require(rights::FD_FDSTAT_SET_FLAGS)?;
    f.fdflags = flags;
    Ok(())
}

/// `fd_fdstat_set_rights`: rights can only be narrowed, and a descriptor
/// then refuses what it lost. (wasmtime returns `ENOTSUP` here; narrowing
/// is what the preview1 specification describes.)
pub fn fd_fdstat_set_rights(e: &mut Env, fd: u32, base: u64, inheriting: u64) -> SysResult {
    let r = e.ctx.fds.get_mut(fd)?.rights_mut();
    if base & !r.base != 0 || inheriting & !r.inheriting != 0 {
        return Err(Errno::Notcapable.into());
    }
    r.base = base;
    r.inheriting = inheriting;
    Ok(())
}

/// `fd_filestat_get`. Standard streams report an `UNKNOWN` file type.
pub fn fd_filestat_get(e: &mut Env, fd: u32, buf: u32) -> SysResult {
    let st = match e.ctx.fds.get(fd)? {
        Descriptor::Stdio { .. } => Filestat { filetype: Filetype::Unknown as u8, ..Default::default() },
        d => {
            d.rights().require(rights::FD_FILESTAT_GET)?;
            e.ctx.vfs.stat(d.ino().ok_or(Errno::Badf)?)?
        }
    };
    e.mem.write(buf, &st.encode(e.flavor)[..Filestat::size_of(e.flavor)])?;
    Ok(())
}

/// `fd_filestat_set_size`: truncates or zero-extends a file open for
/// writing (`EINVAL` otherwise, as `ftruncate` says).
pub fn fd_filestat_set_size(e: &mut Env, fd: u32, size: u64) -> SysResult {
    let f = file_mut(e, fd, FileOp::Other)?;
    if !f.write || f.rights.base & rights::FD_FILESTAT_SET_SIZE == 0 || size > MAX_FILE_SIZE {
        return Err(Errno::Inval.into());
    }
    let ino = f.ino;
    set_size(e, ino, size)
}

pub(crate) fn set_size(e: &mut Env, ino: Ino, size: u64) -> SysResult {
    let now = e.now();
    e.ctx.vfs.set_file_len(ino, size, now)?;
    Ok(())
}

/// Applies `*_set_times` flags to an inode; `EINVAL` for contradictory
/// flags (a time and `NOW` for the same stamp) or unknown bits.
pub(crate) fn set_times(e: &mut Env, ino: Ino, atim: u64, mtim: u64, flags: u32) -> SysResult {
    let flags = u16::try_from(flags).map_err(|_| Errno::Inval)?;
    let both_a = fstflags::ATIM | fstflags::ATIM_NOW;
    let both_m = fstflags::MTIM | fstflags::MTIM_NOW;
    if flags & !(both_a | both_m) != 0 || flags & both_a == both_a || flags & both_m == both_m {
        return Err(Errno::Inval.into());
    }
    let now = e.now();
    let inode = e.ctx.vfs.get_mut(ino)?;
    if flags & fstflags::ATIM != 0 {
        inode.atim = atim;
    } else if flags & fstflags::ATIM_NOW != 0 {
        inode.atim = now;
    }
    if flags & fstflags::MTIM != 0 {
        inode.mtim = mtim;
    } else if flags & fstflags::MTIM_NOW != 0 {
        inode.mtim = now;
    }
    inode.ctim = now;
    Ok(())
}

/// `fd_filestat_set_times` on a file or directory.
pub fn fd_filestat_set_times(e: &mut Env, fd: u32, atim: u64, mtim: u64, fst_flags: u32) -> SysResult {
    let ino = match e.ctx.fds.get(fd)? {
        Descriptor::Stdio { .. } => return Err(Errno::Badf.into()),
        Descriptor::File(f) => f.ino,
        Descriptor::Dir(d) => d.ino,
    };
    e.ctx.fds.get(fd)?.rights().require(rights::FD_FILESTAT_SET_TIMES)?;
    e.ctx.vfs.check_mutable(ino)?;
    set_times(e, ino, atim, mtim, fst_flags)
}

/// `fd_advise`: validated, then ignored (memory has no access pattern).
pub fn fd_advise(e: &mut Env, fd: u32, _offset: u64, _len: u64, advice: u32) -> SysResult {
    file_mut(e, fd, FileOp::Other)?;
    if advice > u32::from(ADVICE_MAX) {
        return Err(Errno::Inval.into());
    }
    Ok(())
}

/// `fd_allocate`: wasmtime supports it on no file (`ENOTSUP`); neither do
/// we, so programs see the same answer in both.
pub fn fd_allocate(e: &mut Env, fd: u32, _offset: u64, _len: u64) -> SysResult {
    file_mut(e, fd, FileOp::Other)?;
    Err(Errno::Notsup.into())
}

/// `fd_sync`: memory is always in sync; only files can be synced.
pub fn fd_sync(e: &mut Env, fd: u32) -> SysResult {
    let ino = file_mut(e, fd, FileOp::Other)?.ino;
    // A store's file is written back before the call returns.
    e.ctx.vfs.sync(ino);
    Ok(())
}

/// `fd_datasync`: as `fd_sync`.
pub fn fd_datasync(e: &mut Env, fd: u32) -> SysResult {
    fd_sync(e, fd)
}

fn preopen_name<'a>(e: &'a Env<'_>, fd: u32) -> Result<&'a str, Errno> {
    match e.ctx.fds.get(fd)? {
        Descriptor::Dir(d) => d.preopen.as_deref().ok_or(Errno::Badf),
        _ => Err(Errno::Badf),
    }
}

/// `fd_prestat_get`: describes a preopened directory.
pub fn fd_prestat_get(e: &mut Env, fd: u32, buf: u32) -> SysResult {
    let len = u32::try_from(preopen_name(e, fd)?.len())?;
    e.mem.write(buf, &encode_prestat_dir(len))?;
    Ok(())
}

/// `fd_prestat_dir_name`: the preopen's guest path, without a NUL.
pub fn fd_prestat_dir_name(e: &mut Env, fd: u32, path: u32, path_len: u32) -> SysResult {
    let name = preopen_name(e, fd)?.as_bytes().to_vec();
    if (path_len as usize) < name.len() {
        return Err(Errno::Nametoolong.into());
    }
    e.mem.write(path, &name)?;
    Ok(())
}

/// `fd_readdir`: `.` and `..` first, then the entries in creation order.
/// Cookies: 0 starts, 1 is after `.`, 2 after `..`, and an entry with
/// sequence number `s` is followed by cookie `s + 3`.
pub fn fd_readdir(e: &mut Env, fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) -> SysResult {
    let ino = match e.ctx.fds.get(fd)? {
        Descriptor::Dir(d) => {
            d.rights.require(rights::FD_READDIR)?;
            d.ino
        }
        _ => return Err(Errno::Badf.into()),
    };
    e.mem.check(buf, u64::from(buf_len))?;
    let cap = buf_len as usize;
    let dir = e.ctx.vfs.dir(ino)?;
    let mut out: Vec<u8> = Vec::with_capacity(cap.min(1 << 16));
    let push = |out: &mut Vec<u8>, next: u64, ino: Ino, ty: Filetype, name: &str| -> bool {
        let d = Dirent { next, ino, namlen: name.len() as u32, filetype: ty as u8 };
        out.extend_from_slice(&d.encode());
        out.extend_from_slice(name.as_bytes());
        out.len() < cap
    };
    let specials = [(1u64, ino, "."), (2, dir.parent, "..")];
    let mut more = true;
    for (next, i, name) in specials.into_iter().skip(cookie.min(2) as usize) {
        more = push(&mut out, next, i, Filetype::Directory, name);
        if !more {
            break;
        }
    }
    if more {
        for (seq, name, child) in dir.entries_from(cookie.saturating_sub(2)) {
            let ty = e.ctx.vfs.get(child)?.filetype();
            if !push(&mut out, seq + 3, child, ty, name) {
                break;
            }
        }
    }
    out.truncate(cap);
    e.mem.write(buf, &out)?;
    e.mem.write_u32(bufused, out.len() as u32)?;
    Ok(())
}
