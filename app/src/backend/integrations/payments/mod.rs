//! Taking money: Stripe and Razorpay behind one interface, with "pay at the clinic" as the
//! default. Each has its own client and its own webhook signature, which is checked before
//! anything else.

pub mod razorpay;
pub mod razorpay_signature;
pub mod stripe;
pub mod stripe_signature;

pub use razorpay::{Razorpay, RazorpayConfig};
pub use stripe::{Stripe, StripeConfig};

use crate::domain::payment_policy::Processor;
use std::sync::Arc;

/// The payment services this server has keys for; which one a clinic uses is its setting.
#[derive(Clone, Default)]
pub struct Payments {
    stripe: Option<Arc<Stripe>>,
    razorpay: Option<Arc<Razorpay>>,
}

impl Payments {
    pub fn with_stripe(self, stripe: Stripe) -> Payments {
        Payments {
            stripe: Some(Arc::new(stripe)),
            ..self
        }
    }

    pub fn with_razorpay(self, razorpay: Razorpay) -> Payments {
        Payments {
            razorpay: Some(Arc::new(razorpay)),
            ..self
        }
    }

    pub fn stripe(&self) -> Option<&Stripe> {
        self.stripe.as_deref()
    }

    pub fn razorpay(&self) -> Option<&Razorpay> {
        self.razorpay.as_deref()
    }

    /// What the clinic's pages may reach to take payments through the services it has keys
    /// for.
    pub fn page_origins(&self) -> crate::backend::page_policy::PaymentOrigins {
        let (script, frame) = match self.razorpay() {
            Some(razorpay) => {
                let (script, frame) = razorpay.page_origins();
                (Some(script), Some(frame))
            }
            None => (None, None),
        };
        crate::backend::page_policy::PaymentOrigins {
            form: self.stripe().map(|stripe| stripe.checkout_origin()),
            script,
            frame,
        }
    }

    /// Whether a clinic may choose `processor`: the server has its keys.
    pub fn offers(&self, processor: Processor) -> bool {
        match processor {
            Processor::Offline => true,
            Processor::Stripe => self.stripe.is_some(),
            Processor::Razorpay => self.razorpay.is_some(),
        }
    }
}
