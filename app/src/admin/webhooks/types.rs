use serde::{Deserialize, Serialize};

/// The webhooks section: endpoints, live first, and the latest deliveries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhooksScreen {
    pub endpoints: Vec<EndpointView>,
    pub deliveries: Vec<DeliveryView>,
}

/// An endpoint; times in the clinic's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    /// The events' names as receivers see them (`booking.created`).
    pub events: Vec<String>,
    /// "4 Dec 2026, 10:15 by Dr Ama Okafor".
    pub made: String,
    pub removed: Option<String>,
    /// Each live secret's start, and until when an old one still signs.
    pub secrets: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: String,
    pub event: String,
    pub url: String,
    /// "Delivered", "Waiting to go", "Retrying at …", "Gave up".
    pub status: String,
    pub created: String,
    /// The JSON as sent.
    pub body: String,
    pub attempts: Vec<AttemptView>,
    /// Finished (delivered or given up) and its endpoint still live.
    pub replayable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptView {
    pub number: i32,
    pub at: String,
    /// "Delivered", "Failed, will retry", "Failed, gave up".
    pub outcome: String,
    pub response_status: Option<i32>,
    pub error: Option<String>,
    pub response_body: Option<String>,
}

/// A signing secret just made, which the clinic sees this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownSecret {
    pub url: String,
    pub secret: String,
}
