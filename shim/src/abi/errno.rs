//! `errno`: the error numbers every preview1 function returns.

use core::fmt;

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
