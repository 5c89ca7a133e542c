//! A component instance's handle table (CanonicalABI.md, "Handle State"):
//! the numbers a guest holds for resources, each an `own` or a `borrow` of
//! one resource type, standing for a representation (`rep`) the resource's
//! implementer chose. Index 0 is never a handle. A guest drives every index,
//! so each is checked, and the table is bounded.

use crate::types::ResourceType;
use crate::Trap;

/// The handles a guest may hold at once (a guest that leaks handles in a
/// loop traps here, not in the browser's memory).
pub const MAX_HANDLES: usize = 1 << 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    Free,
    Own { rt: ResourceType, rep: u32 },
    Borrow { rt: ResourceType, rep: u32 },
}

/// The handles of one component instance.
#[derive(Debug, Default)]
pub struct HandleTable {
    slots: Vec<Slot>,
    free: Vec<u32>,
    /// Borrows lent to the guest for the export call under way: each must be
    /// dropped before that call returns.
    lent: u32,
}

impl HandleTable {
    /// An empty table.
    pub fn new() -> Self {
        HandleTable { slots: vec![Slot::Free], free: Vec::new(), lent: 0 }
    }

    fn insert(&mut self, slot: Slot) -> Result<u32, Trap> {
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = slot;
            return Ok(i);
        }
        if self.slots.len() >= MAX_HANDLES {
            return Err(Trap::new(format!("the guest holds {MAX_HANDLES} resource handles at once")));
        }
        self.slots.push(slot);
        Ok(self.slots.len() as u32 - 1)
    }

    /// Gives the guest an `own` handle of `rep` (a resource the host made).
    pub fn insert_own(&mut self, rt: ResourceType, rep: u32) -> Result<u32, Trap> {
        self.insert(Slot::Own { rt, rep })
    }

    /// Lends the guest a `borrow` of `rep` for the export call under way.
    pub fn insert_borrow(&mut self, rt: ResourceType, rep: u32) -> Result<u32, Trap> {
        let i = self.insert(Slot::Borrow { rt, rep })?;
        self.lent += 1;
        Ok(i)
    }

    fn slot(&self, i: u32, rt: ResourceType) -> Result<Slot, Trap> {
        match self.slots.get(i as usize) {
            Some(Slot::Free) | None => Err(Trap::new(format!("handle {i} is not a handle the guest holds"))),
            Some(s @ (Slot::Own { rt: t, .. } | Slot::Borrow { rt: t, .. })) if *t == rt => Ok(*s),
            Some(_) => Err(Trap::new(format!("handle {i} is a handle to another resource type"))),
        }
    }

    fn release(&mut self, i: u32) {
        self.slots[i as usize] = Slot::Free;
        self.free.push(i);
    }

    /// The rep behind handle `i` of type `rt`, which the guest lends to a
    /// call (a `borrow` parameter): it keeps the handle.
    pub fn rep(&self, i: u32, rt: ResourceType) -> Result<u32, Trap> {
        match self.slot(i, rt)? {
            Slot::Own { rep, .. } | Slot::Borrow { rep, .. } => Ok(rep),
            Slot::Free => unreachable!("slot() refuses free slots"),
        }
    }

    /// Takes handle `i`, which the guest gives away (an `own` parameter).
    pub fn take_own(&mut self, i: u32, rt: ResourceType) -> Result<u32, Trap> {
        match self.slot(i, rt)? {
            Slot::Own { rep, .. } => {
                self.release(i);
                Ok(rep)
            }
            _ => Err(Trap::new(format!("handle {i} is borrowed, and a borrow cannot be given away"))),
        }
    }

    /// `resource.drop`: the guest lets go of handle `i`. An `own` handle
    /// gives its rep back, for the implementer to destroy; a borrow ends.
    pub fn drop_handle(&mut self, i: u32, rt: ResourceType) -> Result<Option<u32>, Trap> {
        let slot = self.slot(i, rt)?;
        self.release(i);
        match slot {
            Slot::Own { rep, .. } => Ok(Some(rep)),
            _ => {
                self.lent = self.lent.saturating_sub(1);
                Ok(None)
            }
        }
    }

    /// The end of an export call: every borrow lent to it must be dropped.
    pub fn end_call(&mut self) -> Result<(), Trap> {
        match self.lent {
            0 => Ok(()),
            n => Err(Trap::new(format!("the guest returned with {n} borrowed handles not dropped"))),
        }
    }

    /// How many handles the guest holds.
    pub fn len(&self) -> usize {
        self.slots.len() - 1 - self.free.len()
    }

    /// True when the guest holds no handle.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_start_at_one_and_are_reused_after_a_drop() {
        let mut t = HandleTable::new();
        assert_eq!(t.insert_own(7, 100), Ok(1));
        assert_eq!(t.insert_own(7, 101), Ok(2));
        assert_eq!(t.drop_handle(1, 7), Ok(Some(100)));
        assert_eq!(t.insert_own(7, 102), Ok(1));
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn a_handle_of_another_type_or_never_given_traps() {
        let mut t = HandleTable::new();
        let h = t.insert_own(1, 5).unwrap();
        assert!(t.rep(h, 2).is_err());
        assert!(t.rep(0, 1).is_err());
        assert!(t.rep(99, 1).is_err());
        assert!(t.take_own(u32::MAX, 1).is_err());
        assert_eq!(t.rep(h, 1), Ok(5));
    }

    #[test]
    fn a_dropped_handle_cannot_be_used_or_dropped_again() {
        let mut t = HandleTable::new();
        let h = t.insert_own(1, 5).unwrap();
        t.drop_handle(h, 1).unwrap();
        assert!(t.rep(h, 1).is_err());
        assert!(t.drop_handle(h, 1).is_err());
    }

    #[test]
    fn a_borrow_cannot_be_given_away_and_must_be_dropped_before_the_call_ends() {
        let mut t = HandleTable::new();
        let b = t.insert_borrow(1, 9).unwrap();
        assert!(t.take_own(b, 1).is_err());
        assert!(t.end_call().is_err());
        assert_eq!(t.drop_handle(b, 1), Ok(None));
        assert_eq!(t.end_call(), Ok(()));
    }

    #[test]
    fn a_guest_cannot_hold_more_than_max_handles() {
        let mut t = HandleTable::new();
        for _ in 1..MAX_HANDLES {
            t.insert_own(1, 0).unwrap();
        }
        assert!(t.insert_own(1, 0).is_err());
    }
}
