//! Live updates on the server: one listener per process on the database's `lumen_live`
//! channel, passing each change to the staff screens this process serves. Every process
//! listens to the same database, so a change committed through one reaches the screens of
//! all. A listener that lost its connection tells every screen to reload, since changes
//! made meanwhile were not heard.

use crate::domain::access::Role;
use crate::domain::live::Change;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;
use uuid::Uuid;

/// The channel migration 42's triggers announce on.
const CHANNEL: &str = "lumen_live";
/// Changes kept for a screen that is slow to read them; past this it is told to reload.
const BACKLOG: usize = 1024;
/// The wait before connecting again when the database cannot be reached.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// What a screen hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heard {
    Change(Change),
    /// Changes may have been missed (the listener reconnected, or the screen fell behind):
    /// reload everything.
    Gap,
}

impl Heard {
    /// The event's name on a screen's stream.
    pub fn event(&self) -> &'static str {
        match self {
            Heard::Change(change) => change.topic.code(),
            Heard::Gap => "reload",
        }
    }
}

/// This process's changes, for every screen it serves.
#[derive(Debug, Clone)]
pub struct Live {
    /// `None` tells every screen's stream to end: the process is stopping.
    sender: Arc<broadcast::Sender<Option<Heard>>>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            sender: Arc::new(broadcast::channel(BACKLOG).0),
        }
    }
}

impl Live {
    /// Listens on the database until the task is aborted, reconnecting after any failure.
    pub fn listen(&self, pool: PgPool) -> tokio::task::JoinHandle<()> {
        let sender = Arc::clone(&self.sender);
        tokio::spawn(async move {
            loop {
                let mut listener = match connect(&pool).await {
                    Ok(listener) => listener,
                    Err(error) => {
                        tracing::warn!(%error, "cannot listen for live changes; trying again");
                        tokio::time::sleep(RECONNECT_AFTER).await;
                        continue;
                    }
                };
                // Whatever changed while nobody listened, screens reload.
                let _ = sender.send(Some(Heard::Gap));
                loop {
                    match listener.try_recv().await {
                        Ok(Some(notification)) => match Change::parse(notification.payload()) {
                            Some(change) => {
                                let _ = sender.send(Some(Heard::Change(change)));
                            }
                            None => tracing::warn!("a live change that is not one was ignored"),
                        },
                        // The connection dropped and was made again: changes were missed.
                        Ok(None) => {
                            tracing::warn!("lost the live changes' connection; listening again");
                            let _ = sender.send(Some(Heard::Gap));
                        }
                        Err(error) => {
                            tracing::warn!(%error, "the live changes' connection failed");
                            tokio::time::sleep(RECONNECT_AFTER).await;
                            break;
                        }
                    }
                }
            }
        })
    }

    /// Ends every screen's stream, so the server's graceful shutdown does not wait on them
    /// (a screen's browser connects again to another process, or to this one restarted).
    pub fn close(&self) {
        let _ = self.sender.send(None);
    }

    /// What one screen of someone of `role` at `clinic` hears, from now on.
    pub fn follow(&self, clinic: Uuid, role: Role) -> Following {
        Following {
            receiver: self.sender.subscribe(),
            clinic,
            role,
        }
    }
}

async fn connect(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// One screen's share of the changes: only its clinic's, and only those its viewer may see.
pub struct Following {
    receiver: broadcast::Receiver<Option<Heard>>,
    clinic: Uuid,
    role: Role,
}

impl Following {
    /// Forgets what has arrived but not been read yet: for a follower that reacts once to
    /// a burst of changes, however many it was.
    pub fn skip_heard(&mut self) {
        while let Ok(Some(_)) | Err(broadcast::error::TryRecvError::Lagged(_)) =
            self.receiver.try_recv()
        {}
    }

    /// The next thing this screen should hear; `None` once the process is stopping.
    pub async fn next(&mut self) -> Option<Heard> {
        loop {
            match self.receiver.recv().await {
                Ok(Some(Heard::Change(change))) if !change.reaches(self.clinic, self.role) => {
                    continue
                }
                Ok(heard) => return heard,
                Err(broadcast::error::RecvError::Lagged(_)) => return Some(Heard::Gap),
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}
