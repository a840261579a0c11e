//! Keeps one request's page render from reaching into another's.
//!
//! Leptos keeps "the current reactive owner" in a thread-local. Each server render begins
//! with `Owner::new_root`, which sets it and never puts the old one back, so when the render
//! waits (for the database) the worker thread goes on to poll other requests with that
//! owner still current. Anything another render then does outside an owner of its own lands
//! in this one: a staff screen's "preload the staff area's code" note was written into the
//! home page rendered beside it, and every patient opening that page downloaded the staff
//! screens (seen in the browser tests under load, and at about one public page in five
//! when pages and staff screens are asked for at once).
//!
//! The render itself counts on that leftover: parts of a page built after its first wait
//! (the router's outlet among them) take whatever owner is current as theirs, and find the
//! request's context (the list of code to preload) through it.
//!
//! So every poll of a request, and of its streamed body, runs with the owner that request
//! set up itself current (none before it has one), and leaves none behind for the next.

use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use leptos::prelude::Owner;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Middleware: runs the rest of the stack, and reads its answer, with only this request's
/// own owner current.
pub async fn own_owner_only(request: Request, next: Next) -> Response {
    let mut handling = Isolated::new(Box::pin(next.run(request)));
    let response = (&mut handling).await;
    let owner = handling.owner;
    response.map(|body| Body::new(Isolated { inner: body, owner }))
}

/// A future or body polled with its request's owner current, and none left behind.
struct Isolated<T> {
    inner: T,
    /// The owner this request's render set up, once it has.
    owner: Option<Owner>,
}

impl<T> Isolated<T> {
    fn new(inner: T) -> Self {
        Isolated { inner, owner: None }
    }

    fn around<R>(&mut self, poll: impl FnOnce(&mut T) -> R) -> R {
        forget_current_owner();
        if let Some(owner) = &self.owner {
            owner.set();
        }
        let polled = poll(&mut self.inner);
        // Whatever is current now was set by this request (or is its own, set again above).
        if let Some(owner) = Owner::current() {
            self.owner = Some(owner);
        }
        forget_current_owner();
        polled
    }
}

/// Forgets the thread's current owner, whoever set it.
fn forget_current_owner() {
    if let Some(owner) = Owner::current() {
        owner.unset();
    }
}

impl<F: Future + Unpin> Future for Isolated<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.around(|inner| Pin::new(inner).poll(cx))
    }
}

impl<B: HttpBody + Unpin> HttpBody for Isolated<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<B::Data>, B::Error>>> {
        self.around(|inner| Pin::new(inner).poll_frame(cx))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::prelude::{provide_context, use_context};

    #[derive(Debug, Clone, PartialEq)]
    struct Asked(&'static str);

    /// Lets the other request be polled on this thread meanwhile.
    async fn wait() {
        tokio::task::yield_now().await;
    }

    /// A render, as Leptos does one: a root owner of its own holding the request's context,
    /// a wait, and then (as the router's outlet) the context read through the owner current.
    async fn render(asked: &'static str) -> Option<Asked> {
        let _root = Owner::new_root(None);
        provide_context(Asked(asked));
        wait().await;
        use_context::<Asked>()
    }

    fn isolated<F: Future>(future: F) -> Isolated<Pin<Box<F>>> {
        Isolated::new(Box::pin(future))
    }

    #[tokio::test(flavor = "current_thread")]
    async fn after_a_wait_each_render_reads_its_own_request() {
        let both = tokio::join!(isolated(render("home")), isolated(render("calendar")));
        assert_eq!(both, (Some(Asked("home")), Some(Asked("calendar"))));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn code_without_an_owner_reaches_no_other_request() {
        let seen = async {
            wait().await;
            (Owner::current().is_none(), use_context::<Asked>())
        };
        let (_, seen) = tokio::join!(isolated(render("home")), isolated(seen));
        assert_eq!(seen, (true, None));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_streamed_body_is_read_with_its_requests_owner() {
        // The answer's body is read after the handler's future is done, by the connection.
        let mut handling = isolated(async {
            let root = Owner::new_root(None);
            provide_context(Asked("calendar"));
            root
        });
        let root = (&mut handling).await;
        let _other = Owner::new_root(None);
        provide_context(Asked("home"));
        let mut body = Isolated {
            inner: Body::from_stream(futures::stream::once(async {
                Ok::<_, std::io::Error>(format!("{:?}", use_context::<Asked>()))
            })),
            owner: handling.owner,
        };
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        let text = frame.unwrap().unwrap().into_data().unwrap();
        assert_eq!(&text[..], br#"Some(Asked("calendar"))"#);
        drop(root);
    }
}
