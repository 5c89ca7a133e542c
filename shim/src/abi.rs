//! WASI preview1 ABI: the numeric types, flags and the byte layouts of the
//! structures that cross the guest boundary.
//!
//! Layouts are written and read byte by byte (little endian) rather than
//! through `#[repr(C)]` casts, so the same code is correct on any host and a
//! guest pointer never has to be aligned. `wasi_unstable` (snapshot 0)
//! differs in a few places; those are marked with [`Flavor`].

use core::fmt;

/// Which import module a call came through: the layouts of `filestat`,
/// `subscription` and the `whence` numbering differ between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// `wasi_snapshot_preview1`.
    Preview1,
    /// `wasi_unstable` (snapshot 0).
    Snapshot0,
}

macro_rules! errnos {
    ($($name:ident = $num:literal, $text:literal;)*) => {
        /// A WASI error number, as returned by every preview1 function.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u16)]
        pub enum Errno { $($name = $num,)* }

        impl Errno {
            /// The errno for a raw number, if it is one.
            pub fn from_raw(raw: u16) -> Option<Errno> {
                match raw { $($num => Some(Errno::$name),)* _ => None }
            }
            /// The lower-case name WASI gives this errno (`"noent"`).
            pub fn name(self) -> &'static str {
                match self { $(Errno::$name => $text,)* }
            }
        }
    };
}

errnos! {
    Success = 0, "success"; TooBig = 1, "2big"; Acces = 2, "acces"; Addrinuse = 3, "addrinuse";
    Addrnotavail = 4, "addrnotavail"; Afnosupport = 5, "afnosupport"; Again = 6, "again";
    Already = 7, "already"; Badf = 8, "badf"; Badmsg = 9, "badmsg"; Busy = 10, "busy";
    Canceled = 11, "canceled"; Child = 12, "child"; Connaborted = 13, "connaborted";
    Connrefused = 14, "connrefused"; Connreset = 15, "connreset"; Deadlk = 16, "deadlk";
    Destaddrreq = 17, "destaddrreq"; Dom = 18, "dom"; Dquot = 19, "dquot"; Exist = 20, "exist";
    Fault = 21, "fault"; Fbig = 22, "fbig"; Hostunreach = 23, "hostunreach"; Idrm = 24, "idrm";
    Ilseq = 25, "ilseq"; Inprogress = 26, "inprogress"; Intr = 27, "intr"; Inval = 28, "inval";
    Io = 29, "io"; Isconn = 30, "isconn"; Isdir = 31, "isdir"; Loop = 32, "loop";
    Mfile = 33, "mfile"; Mlink = 34, "mlink"; Msgsize = 35, "msgsize"; Multihop = 36, "multihop";
    Nametoolong = 37, "nametoolong"; Netdown = 38, "netdown"; Netreset = 39, "netreset";
    Netunreach = 40, "netunreach"; Nfile = 41, "nfile"; Nobufs = 42, "nobufs"; Nodev = 43, "nodev";
    Noent = 44, "noent"; Noexec = 45, "noexec"; Nolck = 46, "nolck"; Nolink = 47, "nolink";
    Nomem = 48, "nomem"; Nomsg = 49, "nomsg"; Noprotoopt = 50, "noprotoopt"; Nospc = 51, "nospc";
    Nosys = 52, "nosys"; Notconn = 53, "notconn"; Notdir = 54, "notdir"; Notempty = 55, "notempty";
    Notrecoverable = 56, "notrecoverable"; Notsock = 57, "notsock"; Notsup = 58, "notsup";
    Notty = 59, "notty"; Nxio = 60, "nxio"; Overflow = 61, "overflow"; Ownerdead = 62, "ownerdead";
    Perm = 63, "perm"; Pipe = 64, "pipe"; Proto = 65, "proto"; Protonosupport = 66, "protonosupport";
    Prototype = 67, "prototype"; Range = 68, "range"; Rofs = 69, "rofs"; Spipe = 70, "spipe";
    Srch = 71, "srch"; Stale = 72, "stale"; Timedout = 73, "timedout"; Txtbsy = 74, "txtbsy";
    Xdev = 75, "xdev"; Notcapable = 76, "notcapable";
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E{} ({})", self.name().to_ascii_uppercase(), *self as u16)
    }
}

impl std::error::Error for Errno {}

impl From<core::num::TryFromIntError> for Errno {
    fn from(_: core::num::TryFromIntError) -> Self {
        Errno::Overflow
    }
}

impl From<core::str::Utf8Error> for Errno {
    fn from(_: core::str::Utf8Error) -> Self {
        Errno::Ilseq
    }
}

/// File descriptor rights (`rights`, a 64-bit set).
pub mod rights {
    pub const FD_DATASYNC: u64 = 1 << 0;
    pub const FD_READ: u64 = 1 << 1;
    pub const FD_SEEK: u64 = 1 << 2;
    pub const FD_FDSTAT_SET_FLAGS: u64 = 1 << 3;
    pub const FD_SYNC: u64 = 1 << 4;
    pub const FD_TELL: u64 = 1 << 5;
    pub const FD_WRITE: u64 = 1 << 6;
    pub const FD_ADVISE: u64 = 1 << 7;
    pub const FD_ALLOCATE: u64 = 1 << 8;
    pub const PATH_CREATE_DIRECTORY: u64 = 1 << 9;
    pub const PATH_CREATE_FILE: u64 = 1 << 10;
    pub const PATH_LINK_SOURCE: u64 = 1 << 11;
    pub const PATH_LINK_TARGET: u64 = 1 << 12;
    pub const PATH_OPEN: u64 = 1 << 13;
    pub const FD_READDIR: u64 = 1 << 14;
    pub const PATH_READLINK: u64 = 1 << 15;
    pub const PATH_RENAME_SOURCE: u64 = 1 << 16;
    pub const PATH_RENAME_TARGET: u64 = 1 << 17;
    pub const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub const PATH_FILESTAT_SET_SIZE: u64 = 1 << 19;
    pub const PATH_FILESTAT_SET_TIMES: u64 = 1 << 20;
    pub const FD_FILESTAT_GET: u64 = 1 << 21;
    pub const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    pub const FD_FILESTAT_SET_TIMES: u64 = 1 << 23;
    pub const PATH_SYMLINK: u64 = 1 << 24;
    pub const PATH_REMOVE_DIRECTORY: u64 = 1 << 25;
    pub const PATH_UNLINK_FILE: u64 = 1 << 26;
    pub const POLL_FD_READWRITE: u64 = 1 << 27;
    pub const SOCK_SHUTDOWN: u64 = 1 << 28;
    pub const SOCK_ACCEPT: u64 = 1 << 29;
    /// Every right preview1 defines.
    pub const ALL: u64 = (1 << 30) - 1;

    /// Rights that only make sense on a regular file.
    pub const FILE: u64 = FD_DATASYNC
        | FD_READ
        | FD_SEEK
        | FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_TELL
        | FD_WRITE
        | FD_ADVISE
        | FD_ALLOCATE
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_SIZE
        | FD_FILESTAT_SET_TIMES
        | POLL_FD_READWRITE;

    /// Rights that only make sense on a directory.
    pub const DIRECTORY: u64 = FD_FDSTAT_SET_FLAGS
        | FD_SYNC
        | FD_DATASYNC
        | PATH_CREATE_DIRECTORY
        | PATH_CREATE_FILE
        | PATH_LINK_SOURCE
        | PATH_LINK_TARGET
        | PATH_OPEN
        | FD_READDIR
        | PATH_READLINK
        | PATH_RENAME_SOURCE
        | PATH_RENAME_TARGET
        | PATH_FILESTAT_GET
        | PATH_FILESTAT_SET_SIZE
        | PATH_FILESTAT_SET_TIMES
        | FD_FILESTAT_GET
        | FD_FILESTAT_SET_TIMES
        | PATH_SYMLINK
        | PATH_REMOVE_DIRECTORY
        | PATH_UNLINK_FILE;
}

/// The type of a file (`filetype`, one byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Filetype {
    Unknown = 0,
    BlockDevice = 1,
    CharacterDevice = 2,
    Directory = 3,
    RegularFile = 4,
    SocketDgram = 5,
    SocketStream = 6,
    SymbolicLink = 7,
}

/// `fdflags`.
pub mod fdflags {
    pub const APPEND: u16 = 1 << 0;
    pub const DSYNC: u16 = 1 << 1;
    pub const NONBLOCK: u16 = 1 << 2;
    pub const RSYNC: u16 = 1 << 3;
    pub const SYNC: u16 = 1 << 4;
    pub const ALL: u16 = 0x1f;
}

/// `oflags` for `path_open`.
pub mod oflags {
    pub const CREAT: u16 = 1 << 0;
    pub const DIRECTORY: u16 = 1 << 1;
    pub const EXCL: u16 = 1 << 2;
    pub const TRUNC: u16 = 1 << 3;
    pub const ALL: u16 = 0xf;
}

/// `lookupflags`.
pub mod lookupflags {
    pub const SYMLINK_FOLLOW: u32 = 1 << 0;
}

/// `fstflags` for the `*_set_times` calls.
pub mod fstflags {
    pub const ATIM: u16 = 1 << 0;
    pub const ATIM_NOW: u16 = 1 << 1;
    pub const MTIM: u16 = 1 << 2;
    pub const MTIM_NOW: u16 = 1 << 3;
}

/// Clock identifiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClockId {
    Realtime,
    Monotonic,
    ProcessCputime,
    ThreadCputime,
}

impl ClockId {
    /// The clock for a raw id; `EINVAL` for an unknown one.
    pub fn from_raw(raw: u32) -> Result<ClockId, Errno> {
        Ok(match raw {
            0 => ClockId::Realtime,
            1 => ClockId::Monotonic,
            2 => ClockId::ProcessCputime,
            3 => ClockId::ThreadCputime,
            _ => return Err(Errno::Inval),
        })
    }
}

/// `whence` for `fd_seek`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whence {
    Set,
    Cur,
    End,
}

impl Whence {
    /// Decodes `whence`; preview1 and snapshot 0 number the values differently.
    pub fn from_raw(raw: u8, flavor: Flavor) -> Result<Whence, Errno> {
        Ok(match (flavor, raw) {
            (Flavor::Preview1, 0) | (Flavor::Snapshot0, 2) => Whence::Set,
            (Flavor::Preview1, 1) | (Flavor::Snapshot0, 0) => Whence::Cur,
            (Flavor::Preview1, 2) | (Flavor::Snapshot0, 1) => Whence::End,
            _ => return Err(Errno::Inval),
        })
    }
}

/// `advice` for `fd_advise` (validated, otherwise only a hint).
pub const ADVICE_MAX: u8 = 5;

/// Event types in subscriptions and events.
pub mod eventtype {
    pub const CLOCK: u8 = 0;
    pub const FD_READ: u8 = 1;
    pub const FD_WRITE: u8 = 2;
}

/// `subclockflags`.
pub const SUBSCRIPTION_CLOCK_ABSTIME: u16 = 1;

/// `eventrwflags`.
pub const EVENT_FD_READWRITE_HANGUP: u16 = 1;

/// The maximum number of bytes a single path may take (as wasmtime's host
/// filesystems refuse longer ones with `ENAMETOOLONG`).
pub const PATH_MAX: usize = 4096;

fn put_u16(buf: &mut [u8], at: usize, v: u16) {
    buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
}
fn put_u32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
}
fn put_u64(buf: &mut [u8], at: usize, v: u64) {
    buf[at..at + 8].copy_from_slice(&v.to_le_bytes());
}
fn get_u16(buf: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([buf[at], buf[at + 1]])
}
fn get_u32(buf: &[u8], at: usize) -> u32 {
    let mut b = [0; 4];
    b.copy_from_slice(&buf[at..at + 4]);
    u32::from_le_bytes(b)
}
fn get_u64(buf: &[u8], at: usize) -> u64 {
    let mut b = [0; 8];
    b.copy_from_slice(&buf[at..at + 8]);
    u64::from_le_bytes(b)
}

/// File attributes (`filestat`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Filestat {
    pub dev: u64,
    pub ino: u64,
    pub filetype: u8,
    pub nlink: u64,
    pub size: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
}

impl Filestat {
    /// Size in guest memory: 64 bytes in preview1, 56 in snapshot 0.
    pub fn size_of(flavor: Flavor) -> usize {
        match flavor {
            Flavor::Preview1 => 64,
            Flavor::Snapshot0 => 56,
        }
    }

    /// Encodes into the guest layout; snapshot 0 has a 32-bit `nlink`.
    pub fn encode(&self, flavor: Flavor) -> [u8; 64] {
        let mut b = [0u8; 64];
        put_u64(&mut b, 0, self.dev);
        put_u64(&mut b, 8, self.ino);
        b[16] = self.filetype;
        match flavor {
            Flavor::Preview1 => {
                put_u64(&mut b, 24, self.nlink);
                put_u64(&mut b, 32, self.size);
                put_u64(&mut b, 40, self.atim);
                put_u64(&mut b, 48, self.mtim);
                put_u64(&mut b, 56, self.ctim);
            }
            Flavor::Snapshot0 => {
                put_u32(&mut b, 20, u32::try_from(self.nlink).unwrap_or(u32::MAX));
                put_u64(&mut b, 24, self.size);
                put_u64(&mut b, 32, self.atim);
                put_u64(&mut b, 40, self.mtim);
                put_u64(&mut b, 48, self.ctim);
            }
        }
        b
    }
}

/// File descriptor attributes (`fdstat`, 24 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Fdstat {
    pub filetype: u8,
    pub flags: u16,
    pub rights_base: u64,
    pub rights_inheriting: u64,
}

impl Fdstat {
    pub const SIZE: usize = 24;

    pub fn encode(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        b[0] = self.filetype;
        put_u16(&mut b, 2, self.flags);
        put_u64(&mut b, 8, self.rights_base);
        put_u64(&mut b, 16, self.rights_inheriting);
        b
    }
}

/// A preopened directory's description (`prestat`, 8 bytes; tag 0 = dir).
pub fn encode_prestat_dir(name_len: u32) -> [u8; 8] {
    let mut b = [0u8; 8];
    put_u32(&mut b, 4, name_len);
    b
}

/// A directory entry header (`dirent`, 24 bytes, followed by the name).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dirent {
    pub next: u64,
    pub ino: u64,
    pub namlen: u32,
    pub filetype: u8,
}

impl Dirent {
    pub const SIZE: usize = 24;

    pub fn encode(&self) -> [u8; 24] {
        let mut b = [0u8; 24];
        put_u64(&mut b, 0, self.next);
        put_u64(&mut b, 8, self.ino);
        put_u32(&mut b, 16, self.namlen);
        b[20] = self.filetype;
        b
    }
}

/// What a subscription waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubscriptionKind {
    Clock { id: u32, timeout: u64, precision: u64, flags: u16 },
    FdRead { fd: u32 },
    FdWrite { fd: u32 },
}

/// One entry of `poll_oneoff`'s input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub userdata: u64,
    pub kind: SubscriptionKind,
}

impl Subscription {
    /// Size in guest memory: 48 bytes in preview1, 56 in snapshot 0 (whose
    /// clock subscription carries an extra `identifier`).
    pub fn size_of(flavor: Flavor) -> usize {
        match flavor {
            Flavor::Preview1 => 48,
            Flavor::Snapshot0 => 56,
        }
    }

    /// Decodes one subscription; an unknown tag is `EINVAL`.
    pub fn decode(b: &[u8], flavor: Flavor) -> Result<Subscription, Errno> {
        if b.len() < Self::size_of(flavor) {
            return Err(Errno::Fault);
        }
        let userdata = get_u64(b, 0);
        let kind = match b[8] {
            eventtype::CLOCK => {
                let at = match flavor {
                    Flavor::Preview1 => 16,
                    Flavor::Snapshot0 => 24,
                };
                SubscriptionKind::Clock {
                    id: get_u32(b, at),
                    timeout: get_u64(b, at + 8),
                    precision: get_u64(b, at + 16),
                    flags: get_u16(b, at + 24),
                }
            }
            eventtype::FD_READ => SubscriptionKind::FdRead { fd: get_u32(b, 16) },
            eventtype::FD_WRITE => SubscriptionKind::FdWrite { fd: get_u32(b, 16) },
            _ => return Err(Errno::Inval),
        };
        Ok(Subscription { userdata, kind })
    }
}

/// One entry of `poll_oneoff`'s output (`event`, 32 bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub userdata: u64,
    pub error: Errno,
    pub kind: u8,
    pub nbytes: u64,
    pub flags: u16,
}

impl Event {
    pub const SIZE: usize = 32;

    pub fn encode(&self) -> [u8; 32] {
        let mut b = [0u8; 32];
        put_u64(&mut b, 0, self.userdata);
        put_u16(&mut b, 8, self.error as u16);
        b[10] = self.kind;
        put_u64(&mut b, 16, self.nbytes);
        put_u16(&mut b, 24, self.flags);
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_numbers_match_the_witx() {
        assert_eq!(Errno::Noent as u16, 44);
        assert_eq!(Errno::Notcapable as u16, 76);
        assert_eq!(Errno::from_raw(52), Some(Errno::Nosys));
        assert_eq!(Errno::from_raw(77), None);
        assert_eq!(Errno::Badf.to_string(), "EBADF (8)");
    }

    #[test]
    fn filestat_layouts_differ_between_flavors() {
        let st = Filestat { dev: 1, ino: 2, filetype: 4, nlink: 3, size: 5, atim: 6, mtim: 7, ctim: 8 };
        let p1 = st.encode(Flavor::Preview1);
        assert_eq!(get_u64(&p1, 24), 3);
        assert_eq!(get_u64(&p1, 56), 8);
        let s0 = st.encode(Flavor::Snapshot0);
        assert_eq!(get_u32(&s0, 20), 3);
        assert_eq!(get_u64(&s0, 24), 5);
        assert_eq!(get_u64(&s0, 48), 8);
    }

    #[test]
    fn whence_numbering_differs_between_flavors() {
        assert_eq!(Whence::from_raw(0, Flavor::Preview1), Ok(Whence::Set));
        assert_eq!(Whence::from_raw(0, Flavor::Snapshot0), Ok(Whence::Cur));
        assert_eq!(Whence::from_raw(2, Flavor::Snapshot0), Ok(Whence::Set));
        assert_eq!(Whence::from_raw(3, Flavor::Preview1), Err(Errno::Inval));
    }

    #[test]
    fn snapshot0_clock_subscription_has_identifier() {
        let mut b = [0u8; 56];
        put_u64(&mut b, 0, 99);
        b[8] = eventtype::CLOCK;
        put_u64(&mut b, 16, 0xdead); // identifier, ignored
        put_u32(&mut b, 24, 1);
        put_u64(&mut b, 32, 1000);
        put_u16(&mut b, 48, SUBSCRIPTION_CLOCK_ABSTIME);
        let s = Subscription::decode(&b, Flavor::Snapshot0).unwrap();
        assert_eq!(s.kind, SubscriptionKind::Clock { id: 1, timeout: 1000, precision: 0, flags: 1 });
    }
}
