//! The clinic's own page where a booking waiting for its payment is paid through Razorpay
//! (`/book/pay?order=`). Its button is a link to Razorpay's payment link, which works
//! without JavaScript; with it, `/assets/razorpay-checkout.js` opens Razorpay's checkout on
//! this page instead, and posts the checkout's signed answer back here to be verified.

use super::api::fetch_razorpay_pay;
use super::paid_href;
use super::types::RazorpayPay;
use crate::error::AppError;
use crate::ui::components::{Loading, BUTTON_PRIMARY};
use crate::ui::status::ErrorPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn RazorpayPayPage() -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || query.read().get("order").unwrap_or_default(),
        fetch_razorpay_pay,
    );
    let problem = move || query.read().get("problem");
    view! {
        <Meta name="robots" content="noindex"/>
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let pay = data.await?;
                    Ok::<_, AppError>(view! { <PayStep pay problem=problem()/> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn PayStep(pay: RazorpayPay, problem: Option<String>) -> impl IntoView {
    load_checkout_script();
    let checkout = pay.checkout;
    let order = checkout.order_id.clone();
    let problem = problem.map(|_| {
        format!(
            "We couldn't open the payment page just now. Your time is kept until {}: please try again.",
            pay.kept_until
        )
    });
    view! {
        <Title text="Pay to book — Book"/>
        <div class="mx-auto max-w-xl px-4 pb-16 pt-10">
            <h1 class="font-display text-4xl text-stone-900">"Pay to book"</h1>
            <section class="mt-6 rounded-2xl border border-brand-200 bg-brand-50 p-5" aria-label="Your booking">
                <p class="font-display text-2xl text-stone-900">{pay.treatment_name}</p>
                <p class="mt-1 text-stone-800">{pay.when}</p>
            </section>
            {if pay.open {
                view! {
                    <p class="mt-6 text-stone-800">
                        {format!("{} is due now to book this time. It is kept for you until {}.", pay.amount, pay.kept_until)}
                    </p>
                    <p id="razorpay-problem" role="alert" class="mt-4 font-semibold text-red-700">{problem}</p>
                    // A plain link for browsers without JavaScript: it leads to Razorpay's
                    // own page for this payment. `rel=external` keeps the router off it.
                    <p class="mt-6">
                        <a
                            id="razorpay-pay"
                            href=format!("/book/pay/link?order={order}")
                            rel="external"
                            class=BUTTON_PRIMARY
                            data-script=checkout.script
                            data-key=checkout.key
                            data-order=order.clone()
                            data-amount=checkout.amount_minor.to_string()
                            data-currency=checkout.currency
                            data-description=checkout.description
                            data-email=checkout.email
                        >
                            {format!("Pay {}", pay.amount)}
                        </a>
                    </p>
                    <p class="mt-4 text-sm text-stone-600">"Payments are taken by Razorpay; your card details never reach the clinic."</p>
                    <form id="razorpay-paid" method="post" action="/book/pay/done" hidden>
                        <input type="hidden" name="razorpay_order_id" value=order.clone()/>
                        <input type="hidden" name="razorpay_payment_id" value=""/>
                        <input type="hidden" name="razorpay_signature" value=""/>
                    </form>
                }.into_any()
            } else {
                view! {
                    <p class="mt-6 text-stone-800">"This payment is no longer waiting: it was paid, or its time was released."</p>
                    <p class="mt-6"><a href=paid_href(&order) class=BUTTON_PRIMARY>"See your booking"</a></p>
                }.into_any()
            }}
        </div>
    }
}

/// Adds the script that opens Razorpay's checkout, once, after the page is shown: a script
/// written into the page would not run when the router renders the page in the browser.
fn load_checkout_script() {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        const ID: &str = "razorpay-checkout-script";
        let document = document();
        if document.get_element_by_id(ID).is_some() {
            return;
        }
        let Ok(script) = document.create_element("script") else {
            return;
        };
        script.set_id(ID);
        let _ = script.set_attribute("src", "/assets/razorpay-checkout.js");
        if let Some(body) = document.body() {
            let _ = body.append_child(&script);
        }
    });
}
