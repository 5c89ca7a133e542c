//! The byte layouts of the structures that cross the guest boundary,
//! written and read byte by byte (little endian).

use super::{eventtype, Errno, Flavor};

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
    use crate::abi::{Whence, SUBSCRIPTION_CLOCK_ABSTIME};

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
