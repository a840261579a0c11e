//! Taking money: Stripe and Razorpay behind one interface, with "pay at the clinic" as the
//! default. So far: Stripe's webhook signature, which is checked before anything else.

pub mod stripe_signature;
