//! A patient's receipts: one page per payment they made online, with any refund of it,
//! printable. Only the patient whose booking it paid may open it; to anyone else it does
//! not exist.

use crate::error::AppError;
use crate::ui::components::Loading;
use crate::ui::status::{AccessRefused, ErrorPage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// A receipt as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptView {
    pub number: String,
    pub clinic: String,
    pub address: String,
    /// `0131 496 0123 · hello@clinic.example`.
    pub contact: String,
    /// The clinic's tax registration, when it has one.
    pub tax_id: Option<String>,
    pub paid_on: String,
    /// `Card, through Stripe`.
    pub method: String,
    /// `Mole and skin check, Tuesday 17 March 2026, 10:00–10:45 (Europe/London)`.
    pub item: String,
    pub amount: String,
    pub refunds: Vec<RefundView>,
    /// What is still paid once refunds are taken off, when anything was refunded.
    pub net: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundView {
    pub on: String,
    pub amount: String,
    /// `Refunded`, or `On its way` while the bank returns it.
    pub state: String,
}

/// A receipt as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLink {
    pub href: String,
    pub what: String,
}

#[cfg(feature = "ssr")]
impl From<crate::backend::store::receipts::Receipt> for ReceiptView {
    fn from(r: crate::backend::store::receipts::Receipt) -> Self {
        let method = crate::domain::payments::how_paid(&r.processor);
        let refunded = r.refunded();
        ReceiptView {
            number: r.number(),
            contact: format!("{} · {}", r.phone, r.clinic_email),
            tax_id: r.tax_id.clone(),
            paid_on: r.paid_on(),
            method,
            item: format!("{}, {}", r.item, r.when()),
            amount: r.amount.to_string(),
            refunds: r
                .refunds
                .iter()
                .map(|(at, amount, status)| RefundView {
                    on: at.with_timezone(&r.zone).format("%-d %B %Y").to_string(),
                    amount: amount.to_string(),
                    state: crate::domain::refunds::refund_state_label(status).to_owned(),
                })
                .collect(),
            net: (refunded > 0).then(|| r.net().to_string()),
            clinic: r.clinic,
            address: format!("{}, {}", r.location, r.address),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::backend::store::receipts::Listed> for ReceiptLink {
    fn from(r: crate::backend::store::receipts::Listed) -> Self {
        use crate::backend::store::receipts::paid_on;
        ReceiptLink {
            href: format!("/account/receipts/{}", r.payment_id),
            what: format!(
                "{} paid {} · {}",
                r.amount,
                paid_on(r.paid_at, r.zone),
                r.item
            ),
        }
    }
}

#[server(endpoint = "my_receipt")]
pub async fn fetch_receipt(id: String) -> Result<ReceiptView, AppError> {
    use crate::backend::{audit, auth::principal, state::app_state, store};
    let me = principal::require(crate::domain::access::Action::UseOwnAccount).await?;
    let state = app_state()?;
    let found = async {
        let id = AppError::record_id(&id)?;
        let mut conn = state.pool.acquire().await?;
        let receipt = store::receipts::load(&mut conn, state.clinic_id, id, Some(me.user_id))
            .await?
            .ok_or(AppError::NotFound)?;
        audit::record_for_request(Some(&me), "read", "receipt", Some(id)).await?;
        Ok(receipt.into())
    };
    crate::ui::status::answer(found.await)
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let params = use_params_map();
    let receipt = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        fetch_receipt,
    );
    view! {
        <Suspense fallback=Loading>
            <ErrorBoundary fallback=|errors| view! { <ErrorPage errors/> }>
                {move || Suspend::new(async move {
                    let here = format!("/account/receipts/{}", params.read_untracked().get("id").unwrap_or_default());
                    Ok::<_, AppError>(match receipt.await {
                        Err(error @ (AppError::SignInRequired | AppError::Forbidden)) => {
                            Either::Left(view! { <AccessRefused error next=here/> })
                        }
                        result => Either::Right(view! { <Receipt receipt=result?/> }),
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

#[component]
fn Receipt(receipt: ReceiptView) -> impl IntoView {
    let ReceiptView {
        number,
        clinic,
        address,
        contact,
        tax_id,
        paid_on,
        method,
        item,
        amount,
        refunds,
        net,
    } = receipt;
    view! {
        <Title text=format!("Receipt {number}")/>
        <Meta name="robots" content="noindex"/>
        <article class="mx-auto max-w-2xl px-4 py-12" aria-labelledby="receipt-heading">
            <a href="/account" class="text-sm font-medium text-brand-700 underline print:hidden">"← Your account"</a>
            <h1 id="receipt-heading" class="mt-3 font-display text-4xl text-stone-900">{format!("Receipt {number}")}</h1>
            <p class="mt-4 font-semibold text-stone-900">{clinic}</p>
            <p class="text-stone-700">{address}</p>
            <p class="text-stone-700">{contact}</p>
            {tax_id.map(|id| view! { <p class="text-stone-700" data-testid="tax-id">{format!("Tax number: {id}")}</p> })}
            <dl class="mt-6 grid grid-cols-[9rem_1fr] gap-x-4 gap-y-2 rounded-2xl border border-stone-200 bg-white p-5">
                <dt class="font-medium text-stone-600">"Paid"</dt>
                <dd>{paid_on}</dd>
                <dt class="font-medium text-stone-600">"For"</dt>
                <dd>{item}</dd>
                <dt class="font-medium text-stone-600">"How"</dt>
                <dd>{method}</dd>
                <dt class="font-medium text-stone-600">"Amount"</dt>
                <dd class="font-semibold" data-testid="paid">{amount}</dd>
                {refunds.into_iter().map(|r| view! {
                    <dt class="font-medium text-stone-600">{format!("Refund, {}", r.on)}</dt>
                    <dd data-testid="refund">{format!("−{} ({})", r.amount, r.state)}</dd>
                }).collect_view()}
                {net.map(|net| view! {
                    <dt class="font-medium text-stone-600">"Paid after refunds"</dt>
                    <dd class="font-semibold" data-testid="net">{net}</dd>
                })}
            </dl>
            <p class="mt-6 text-sm text-stone-600 print:hidden">"To keep a copy, print this page or save it as a PDF from your browser."</p>
        </article>
    }
}
