//! The video rooms open in this server process: who is in each, whether the patient has
//! been let in, and the way to each participant's socket. A room holds the visit's patient
//! and its clinician, one connection each; messages pass between them only once the
//! patient is admitted.

use crate::domain::video::{Side, ToPeer};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use uuid::Uuid;

#[derive(Debug, Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<Uuid, Room>>,
    next: Mutex<u64>,
}

#[derive(Debug, Default)]
struct Room {
    peers: HashMap<Side, Peer>,
    /// Let in by the clinician; kept while either is still in the room, so a patient whose
    /// connection dropped comes straight back.
    admitted: bool,
}

#[derive(Debug)]
struct Peer {
    id: u64,
    to: UnboundedSender<ToPeer>,
}

/// A participant in a room: what the server says to them arrives on `said`.
#[derive(Debug)]
pub struct Joined {
    pub id: u64,
    pub said: UnboundedReceiver<ToPeer>,
}

/// That side of the room is taken (the same person in another tab, or someone else):
/// a room holds two.
#[derive(Debug, PartialEq, Eq)]
pub struct Full;

/// What a change to a room means for the visit's record.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    Nothing,
    /// Both are in and admitted: the call is on.
    CallStarted,
    /// The room is empty again.
    Emptied,
}

impl Rooms {
    fn room<T>(&self, visit: Uuid, change: impl FnOnce(&mut Room) -> T) -> T {
        let mut rooms = self.rooms.lock().expect("not poisoned");
        let room = rooms.entry(visit).or_default();
        let result = change(room);
        if room.peers.is_empty() {
            rooms.remove(&visit);
        }
        result
    }

    /// Enters `side` into the visit's room.
    pub fn join(&self, visit: Uuid, side: Side) -> Result<(Joined, Change), Full> {
        let id = {
            let mut next = self.next.lock().expect("not poisoned");
            *next += 1;
            *next
        };
        let (to, said) = unbounded_channel();
        self.room(visit, |room| {
            if room.peers.contains_key(&side) {
                return Err(Full);
            }
            let _ = to.send(ToPeer::Joined {
                side,
                admitted: room.admitted,
            });
            room.peers.insert(side, Peer { id, to });
            let change = match (room.admitted, room.peers.len()) {
                (true, 2) => {
                    room.tell_both(&ToPeer::Admitted);
                    Change::CallStarted
                }
                (false, 2) => {
                    room.tell(Side::Clinician, ToPeer::Waiting);
                    Change::Nothing
                }
                _ => Change::Nothing,
            };
            Ok((Joined { id, said }, change))
        })
    }

    /// The clinician lets the patient in, when the patient is there.
    pub fn admit(&self, visit: Uuid) -> Change {
        self.room(visit, |room| {
            if room.admitted || !room.peers.contains_key(&Side::Patient) {
                return Change::Nothing;
            }
            room.admitted = true;
            room.tell_both(&ToPeer::Admitted);
            Change::CallStarted
        })
    }

    /// Passes `message` from `from` to the other side, once the patient is admitted.
    pub fn relay(&self, visit: Uuid, from: Side, message: ToPeer) {
        self.room(visit, |room| {
            if room.admitted {
                room.tell(from.other(), message);
            }
        });
    }

    /// Takes connection `id` of `side` out of the room (a newer connection of the same
    /// side stays); the other side hears that they left.
    pub fn leave(&self, visit: Uuid, side: Side, id: u64) -> Change {
        self.room(visit, |room| {
            if room.peers.get(&side).is_none_or(|peer| peer.id != id) {
                return Change::Nothing;
            }
            room.peers.remove(&side);
            if room.peers.is_empty() {
                room.admitted = false;
                return Change::Emptied;
            }
            room.tell(side.other(), ToPeer::PeerLeft);
            Change::Nothing
        })
    }

    /// Ends the visit for both: each is told, and the room is closed.
    pub fn end(&self, visit: Uuid) {
        let mut rooms = self.rooms.lock().expect("not poisoned");
        if let Some(room) = rooms.remove(&visit) {
            room.tell_both(&ToPeer::Ended);
        }
    }

    /// Who is in the visit's room (for the clinician's calendar: who is waiting).
    pub fn waiting(&self, visit: Uuid) -> bool {
        let rooms = self.rooms.lock().expect("not poisoned");
        rooms
            .get(&visit)
            .is_some_and(|room| room.peers.contains_key(&Side::Patient) && !room.admitted)
    }
}

impl Room {
    fn tell(&self, side: Side, message: ToPeer) {
        if let Some(peer) = self.peers.get(&side) {
            // A closed socket is taken out of the room by its own task.
            let _ = peer.to.send(message);
        }
    }

    fn tell_both(&self, message: &ToPeer) {
        for peer in self.peers.values() {
            let _ = peer.to.send(message.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(joined: &mut Joined) -> Vec<ToPeer> {
        std::iter::from_fn(|| joined.said.try_recv().ok()).collect()
    }

    #[test]
    fn the_patient_waits_until_the_clinician_admits_them() {
        let rooms = Rooms::default();
        let visit = Uuid::new_v4();
        let (mut patient, change) = rooms.join(visit, Side::Patient).unwrap();
        assert_eq!(change, Change::Nothing);
        assert_eq!(
            drain(&mut patient),
            [ToPeer::Joined {
                side: Side::Patient,
                admitted: false
            }]
        );
        let (mut clinician, _) = rooms.join(visit, Side::Clinician).unwrap();
        assert_eq!(
            drain(&mut clinician),
            [
                ToPeer::Joined {
                    side: Side::Clinician,
                    admitted: false
                },
                ToPeer::Waiting
            ]
        );
        assert!(rooms.waiting(visit));
        // Nothing passes before the patient is let in.
        rooms.relay(
            visit,
            Side::Patient,
            ToPeer::Chat {
                from: Side::Patient,
                text: "hello?".to_owned(),
            },
        );
        assert_eq!(drain(&mut clinician), []);

        assert_eq!(rooms.admit(visit), Change::CallStarted);
        assert_eq!(drain(&mut patient), [ToPeer::Admitted]);
        assert_eq!(drain(&mut clinician), [ToPeer::Admitted]);
        assert!(!rooms.waiting(visit));
        let hello = ToPeer::Chat {
            from: Side::Patient,
            text: "hello".to_owned(),
        };
        rooms.relay(visit, Side::Patient, hello.clone());
        assert_eq!(drain(&mut clinician), [hello]);
        assert_eq!(drain(&mut patient), []);
    }

    #[test]
    fn a_room_holds_two() {
        let rooms = Rooms::default();
        let visit = Uuid::new_v4();
        let _patient = rooms.join(visit, Side::Patient).unwrap();
        let _clinician = rooms.join(visit, Side::Clinician).unwrap();
        assert_eq!(rooms.join(visit, Side::Patient).unwrap_err(), Full);
        assert_eq!(rooms.join(visit, Side::Clinician).unwrap_err(), Full);
        // Another visit's room is its own.
        assert!(rooms.join(Uuid::new_v4(), Side::Patient).is_ok());
    }

    #[test]
    fn a_patient_who_drops_out_comes_straight_back_in() {
        let rooms = Rooms::default();
        let visit = Uuid::new_v4();
        let (patient, _) = rooms.join(visit, Side::Patient).unwrap();
        let (mut clinician, _) = rooms.join(visit, Side::Clinician).unwrap();
        rooms.admit(visit);
        drain(&mut clinician);
        assert_eq!(
            rooms.leave(visit, Side::Patient, patient.id),
            Change::Nothing
        );
        assert_eq!(drain(&mut clinician), [ToPeer::PeerLeft]);
        let (mut back, change) = rooms.join(visit, Side::Patient).unwrap();
        assert_eq!(change, Change::CallStarted);
        assert_eq!(
            drain(&mut back),
            [
                ToPeer::Joined {
                    side: Side::Patient,
                    admitted: true
                },
                ToPeer::Admitted
            ]
        );
        assert_eq!(drain(&mut clinician), [ToPeer::Admitted]);
        // An old connection leaving late does not take the new one out.
        assert_eq!(
            rooms.leave(visit, Side::Patient, patient.id),
            Change::Nothing
        );
        assert!(rooms.join(visit, Side::Patient).is_err());
    }

    #[test]
    fn ending_tells_both_and_empties_the_room() {
        let rooms = Rooms::default();
        let visit = Uuid::new_v4();
        let (mut patient, _) = rooms.join(visit, Side::Patient).unwrap();
        let (clinician, _) = rooms.join(visit, Side::Clinician).unwrap();
        drain(&mut patient);
        rooms.end(visit);
        assert_eq!(drain(&mut patient), [ToPeer::Ended]);
        assert_eq!(
            rooms.leave(visit, Side::Clinician, clinician.id),
            Change::Nothing
        );
        assert!(rooms.join(visit, Side::Patient).is_ok());
    }
}
