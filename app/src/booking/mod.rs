//! Online booking: choose a treatment, provider, day and time, give details, review and
//! confirm; then view, move or cancel from the link on the confirmation page. Group
//! sessions are booked by the seat instead.

pub mod api;
pub mod choose;
pub mod manage;
pub mod pages;
pub mod pay;
pub mod picker;
pub mod seats;
pub mod types;

pub use choose::BookPage;

/// The page a checkout returns to (`session` is the processor's checkout: a Stripe session,
/// a Razorpay order), which shows the booking once its payment is known.
pub fn paid_href(session: &str) -> String {
    format!("/book/paid?session={session}")
}

/// The clinic's own page where Razorpay's order `order` is paid.
pub fn pay_href(order: &str) -> String {
    format!("/book/pay?order={order}")
}
