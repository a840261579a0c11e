//! Category management data as it crosses to the browser.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One line of the category list, in the public site's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    pub id: Uuid,
    pub name: String,
    pub slug: String,
    pub treatments: i64,
}
