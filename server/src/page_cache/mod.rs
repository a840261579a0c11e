//! Public pages from memory. The pages anyone may see (home, treatments, the gallery, cases,
//! the sitemap) change only when staff change what they show, yet rendering one costs about
//! 10 ms of CPU. Each is rendered once and kept here until the data behind it changes:
//!
//! - a write by someone signed in on this server clears the cache before its answer
//!   leaves ([`serve`]);
//! - a change to any table a public page reads is announced by the database on commit
//!   (migration 38) and clears the cache of every server process ([`listen`]);
//! - a page that shows a case is kept only until the first consent among the cases shown
//!   runs out, the moment the gallery stops showing it.
//!
//! A kept page is a template: the script nonce it was rendered with is cut out, and every
//! answer gets a fresh one, so the page's script policy is as strict as an uncached page's.

pub mod listen;
pub mod serve;

use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// How much the cache may hold. Whichever limit is reached first evicts the page used
/// least recently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub entries: usize,
    pub bytes: usize,
}

impl Limits {
    /// Room for every public page of a large clinic (a few hundred treatments and cases,
    /// with the gallery's filters) at about 60 kB each.
    pub const DEFAULT: Limits = Limits {
        entries: 2_000,
        bytes: 64 * 1024 * 1024,
    };
    /// Keeps nothing: every page is rendered afresh.
    pub const OFF: Limits = Limits {
        entries: 0,
        bytes: 0,
    };
}

/// What the cache has done since the server started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
    /// Times the whole cache was cleared because something it showed changed.
    pub clears: u64,
    pub entries: usize,
    pub bytes: usize,
}

/// Text with a nonce cut out of it, to be filled with another one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<Bytes>);

impl Template {
    /// Cuts every occurrence of `nonce` out of `text`. A nonce is 22 random characters, so
    /// it does not occur in a page by chance.
    pub fn new(text: Bytes, nonce: Option<&str>) -> Template {
        let Some(nonce) = nonce.filter(|n| !n.is_empty()) else {
            return Template(vec![text]);
        };
        let mut parts = Vec::new();
        let mut start = 0;
        let needle = nonce.as_bytes();
        let mut at = 0;
        while at + needle.len() <= text.len() {
            if &text[at..at + needle.len()] == needle {
                parts.push(text.slice(start..at));
                at += needle.len();
                start = at;
            } else {
                at += 1;
            }
        }
        parts.push(text.slice(start..));
        Template(parts)
    }

    pub fn fill(&self, nonce: &str) -> Bytes {
        if self.0.len() == 1 {
            return self.0[0].clone();
        }
        let mut filled = Vec::with_capacity(self.len() + nonce.len() * (self.0.len() - 1));
        for (i, part) in self.0.iter().enumerate() {
            if i > 0 {
                filled.extend_from_slice(nonce.as_bytes());
            }
            filled.extend_from_slice(part);
        }
        filled.into()
    }

    /// Bytes kept, without the nonces.
    pub fn len(&self) -> usize {
        self.0.iter().map(Bytes::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A rendered page as kept: its headers, its script policy and body with the nonce cut
/// out, and its entity tag.
#[derive(Debug)]
pub struct Page {
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub policy: Option<Template>,
    pub body: Template,
    /// A strong validator: the hash of the template, so the same page from any server
    /// process (or after a restart) has the same tag, and any change to it a new one.
    pub etag: HeaderValue,
    /// When a consent shown on the page runs out, if one does.
    pub valid_until: Option<DateTime<Utc>>,
}

impl Page {
    fn bytes(&self) -> usize {
        self.body.len()
            + self.policy.as_ref().map_or(0, Template::len)
            + self
                .headers
                .iter()
                .map(|(n, v)| n.as_str().len() + v.len())
                .sum::<usize>()
    }
}

struct Slot {
    page: Arc<Page>,
    last_used: u64,
    bytes: usize,
}

#[derive(Default)]
struct Shelf {
    pages: HashMap<String, Slot>,
    bytes: usize,
    /// Moves on every clear: a page rendered before a clear may show what changed, so it is
    /// not kept (see [`PageCache::keep`]).
    generation: u64,
    tick: u64,
}

/// The kept pages of this server process. One clinic per process, so one cache.
pub struct PageCache {
    limits: Limits,
    shelf: Mutex<Shelf>,
    hits: AtomicU64,
    misses: AtomicU64,
    evictions: AtomicU64,
    clears: AtomicU64,
}

impl PageCache {
    pub fn new(limits: Limits) -> PageCache {
        PageCache {
            limits,
            shelf: Mutex::default(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            clears: AtomicU64::new(0),
        }
    }

    pub fn is_on(&self) -> bool {
        self.limits.entries > 0 && self.limits.bytes > 0
    }

    fn shelf(&self) -> std::sync::MutexGuard<'_, Shelf> {
        // The shelf is consistent between statements, so a panic elsewhere leaves it usable.
        self.shelf.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The page kept under `key`, unless a consent it shows has run out by `now`.
    pub fn get(&self, key: &str, now: DateTime<Utc>) -> Option<Arc<Page>> {
        let mut shelf = self.shelf();
        shelf.tick += 1;
        let tick = shelf.tick;
        let found = match shelf.pages.get_mut(key) {
            Some(slot) if slot.page.valid_until.is_none_or(|until| now < until) => {
                slot.last_used = tick;
                Some(slot.page.clone())
            }
            Some(_) => {
                let gone = shelf.pages.remove(key).map_or(0, |slot| slot.bytes);
                shelf.bytes -= gone;
                None
            }
            None => None,
        };
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Where a render starts: hand it back to [`PageCache::keep`].
    pub fn generation(&self) -> u64 {
        self.shelf().generation
    }

    /// Keeps `page` under `key` if nothing was cleared since `generation` (else the page
    /// may show what changed), evicting the pages used least recently to make room.
    /// Returns whether it was kept.
    pub fn keep(&self, key: String, page: Page, generation: u64) -> bool {
        let bytes = page.bytes() + key.len();
        if !self.is_on() || bytes > self.limits.bytes {
            return false;
        }
        let mut shelf = self.shelf();
        if shelf.generation != generation {
            return false;
        }
        if let Some(old) = shelf.pages.remove(&key) {
            shelf.bytes -= old.bytes;
        }
        while shelf.pages.len() >= self.limits.entries || shelf.bytes + bytes > self.limits.bytes {
            let Some(oldest) = shelf
                .pages
                .iter()
                .min_by_key(|(_, slot)| slot.last_used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            let gone = shelf.pages.remove(&oldest).map_or(0, |slot| slot.bytes);
            shelf.bytes -= gone;
            self.evictions.fetch_add(1, Ordering::Relaxed);
        }
        shelf.tick += 1;
        let last_used = shelf.tick;
        shelf.bytes += bytes;
        shelf.pages.insert(
            key,
            Slot {
                page: Arc::new(page),
                last_used,
                bytes,
            },
        );
        true
    }

    /// Forgets every page: something they may show has changed.
    pub fn clear(&self) {
        let mut shelf = self.shelf();
        shelf.pages.clear();
        shelf.bytes = 0;
        shelf.generation += 1;
        self.clears.fetch_add(1, Ordering::Relaxed);
    }

    pub fn stats(&self) -> Stats {
        let shelf = self.shelf();
        Stats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            clears: self.clears.load(Ordering::Relaxed),
            entries: shelf.pages.len(),
            bytes: shelf.bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn page(body: &str) -> Page {
        Page {
            headers: vec![],
            policy: None,
            body: Template::new(Bytes::from(body.to_owned()), None),
            etag: HeaderValue::from_static("\"x\""),
            valid_until: None,
        }
    }

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 16, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_template_takes_each_answer_its_own_nonce() {
        let text = Bytes::from_static(b"<script nonce=\"N0nce\">a</script><b nonce=\"N0nce\">");
        let length = text.len();
        let template = Template::new(text, Some("N0nce"));
        assert_eq!(
            template.fill("fresh"),
            Bytes::from_static(b"<script nonce=\"fresh\">a</script><b nonce=\"fresh\">")
        );
        assert_eq!(template.len(), length - 2 * "N0nce".len());
        let plain = Template::new(Bytes::from_static(b"no scripts"), Some("N0nce"));
        assert_eq!(plain.fill("fresh"), Bytes::from_static(b"no scripts"));
        let at_the_ends = Template::new(Bytes::from_static(b"N0nce middle N0nce"), Some("N0nce"));
        assert_eq!(at_the_ends.fill("x"), Bytes::from_static(b"x middle x"));
    }

    #[test]
    fn a_kept_page_is_found_until_it_is_cleared() {
        let cache = PageCache::new(Limits::DEFAULT);
        assert!(cache.get("/", at(8)).is_none());
        let generation = cache.generation();
        assert!(cache.keep("/".into(), page("home"), generation));
        assert_eq!(cache.get("/", at(8)).unwrap().body.fill("n"), "home");
        cache.clear();
        assert!(cache.get("/", at(8)).is_none());
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.clears), (1, 2, 1));
        assert_eq!((stats.entries, stats.bytes), (0, 0));
    }

    #[test]
    fn a_page_rendered_before_a_clear_is_not_kept() {
        let cache = PageCache::new(Limits::DEFAULT);
        let generation = cache.generation();
        cache.clear();
        assert!(!cache.keep("/".into(), page("stale"), generation));
        assert!(cache.get("/", at(8)).is_none());
    }

    #[test]
    fn a_page_showing_a_consent_goes_when_the_consent_runs_out() {
        let cache = PageCache::new(Limits::DEFAULT);
        let mut shown = page("case");
        shown.valid_until = Some(at(12));
        assert!(cache.keep("/cases/a".into(), shown, cache.generation()));
        assert!(cache.get("/cases/a", at(11)).is_some());
        assert!(cache.get("/cases/a", at(12)).is_none());
        assert_eq!(cache.stats().entries, 0);
    }

    #[test]
    fn the_page_used_least_recently_makes_room() {
        let cache = PageCache::new(Limits {
            entries: 2,
            bytes: 1_000,
        });
        let g = cache.generation();
        assert!(cache.keep("/a".into(), page("a"), g));
        assert!(cache.keep("/b".into(), page("b"), g));
        assert!(cache.get("/a", at(8)).is_some());
        assert!(cache.keep("/c".into(), page("c"), g));
        assert!(
            cache.get("/b", at(8)).is_none(),
            "b was used least recently"
        );
        assert!(cache.get("/a", at(8)).is_some());
        assert!(cache.get("/c", at(8)).is_some());
        assert_eq!(cache.stats().evictions, 1);
    }

    #[test]
    fn the_bytes_kept_stay_within_the_limit() {
        let cache = PageCache::new(Limits {
            entries: 100,
            bytes: 250,
        });
        let g = cache.generation();
        for i in 0..10 {
            assert!(cache.keep(format!("/{i}"), page(&"x".repeat(100)), g));
            assert!(cache.stats().bytes <= 250);
        }
        assert_eq!(cache.stats().entries, 2);
        assert!(!cache.keep("/big".into(), page(&"x".repeat(300)), g));
        assert!(!PageCache::new(Limits::OFF).keep("/".into(), page("a"), 0));
    }
}
