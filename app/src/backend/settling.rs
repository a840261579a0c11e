//! Settling a checkout when the patient comes back from it, before (or instead of) the
//! processor's webhook: what the processor says is applied in its own transaction, and a
//! payment that arrived after its booking was released is refunded at once.

use crate::backend::state::AppState;
use crate::backend::store::payments::{self, CheckoutState, Settled};
use crate::error::AppError;

pub async fn settle(state: &AppState, checkout: &CheckoutState<'_>) -> Result<Settled, AppError> {
    let mut tx = state.pool.begin().await?;
    let settled = payments::settle_checkout(
        &mut tx,
        state.clinic_id,
        checkout,
        &state.public_url,
        state.clock.now(),
    )
    .await?;
    tx.commit().await?;
    if settled.refunds_due() {
        state.send_refunds_soon();
    }
    Ok(settled)
}
