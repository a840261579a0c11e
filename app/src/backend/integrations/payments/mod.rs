//! Taking money: Stripe and Razorpay behind one interface, with "pay at the clinic" as the
//! default. So far: Stripe's client for Checkout Sessions, and its webhook signature, which
//! is checked before anything else.

pub mod stripe;
pub mod stripe_signature;

pub use stripe::{Stripe, StripeConfig};

use crate::domain::payment_policy::Processor;
use std::sync::Arc;

/// The payment services this server has keys for; which one a clinic uses is its setting.
#[derive(Clone, Default)]
pub struct Payments {
    stripe: Option<Arc<Stripe>>,
}

impl Payments {
    pub fn with_stripe(self, stripe: Stripe) -> Payments {
        Payments {
            stripe: Some(Arc::new(stripe)),
        }
    }

    pub fn stripe(&self) -> Option<&Stripe> {
        self.stripe.as_deref()
    }

    /// Whether a clinic may choose `processor`: the server has its keys.
    pub fn offers(&self, processor: Processor) -> bool {
        match processor {
            Processor::Offline => true,
            Processor::Stripe => self.stripe.is_some(),
            Processor::Razorpay => false,
        }
    }
}
