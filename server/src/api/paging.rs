//! Lists by a range of days, page by page: the days are the clinic's (its time zone), and
//! a page's `next_cursor` (the last row's time and id, opaque to clients) leads to the next.

use super::catalog::check_span;
use super::problem::Problem;
use app::backend::hex::{hex, unhex};
use app::backend::state::AppState;
use app::backend::store::{api_reads::After, booking};
use app::domain::days::start_of;
use app::domain::form::FieldProblem;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

const MOST_DAYS: i64 = 92;
const PAGE: i64 = 50;
const MOST_PER_PAGE: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// The first day, in the clinic's time zone.
    from: NaiveDate,
    /// The last day (included), at most 92 days after `from`.
    to: NaiveDate,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Rows per page, 1 to 200 (default 50).
    limit: Option<i64>,
}

/// Which rows a page holds.
pub struct Page {
    /// From the first day's start to the day after the last.
    pub range: (DateTime<Utc>, DateTime<Utc>),
    pub after: Option<After>,
    pub limit: i64,
}

impl Page {
    pub async fn of(state: &AppState, query: &DaysQuery) -> Result<Page, Problem> {
        check_span(query.from, query.to, MOST_DAYS)?;
        let limit = query.limit.unwrap_or(PAGE);
        if !(1..=MOST_PER_PAGE).contains(&limit) {
            return Err(Problem::invalid(vec![FieldProblem::new(
                "limit",
                format!("Ask for 1 to {MOST_PER_PAGE} a page."),
            )]));
        }
        let after = match query.cursor.as_deref() {
            None | Some("") => None,
            Some(cursor) => Some(read_cursor(cursor).ok_or_else(|| {
                Problem::bad_request(
                    "That cursor is not one this API gave; start again without it.",
                )
            })?),
        };
        let zone = booking::rules(&state.pool, state.clinic_id).await?.zone();
        Ok(Page {
            range: (
                start_of(query.from, zone),
                start_of(query.to + Duration::days(1), zone),
            ),
            after,
            limit,
        })
    }

    /// How many rows to ask the database for: one more than the page tells whether
    /// another page follows.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// Cuts `rows` (fetched with [`Page::fetch`]) to the page; the cursor to the next page,
    /// if there is one. `at` gives a row's time and id, the order the rows are in.
    pub fn cut<T>(
        &self,
        rows: &mut Vec<T>,
        at: impl Fn(&T) -> (DateTime<Utc>, Uuid),
    ) -> Option<String> {
        if rows.len() as i64 <= self.limit {
            return None;
        }
        rows.truncate(self.limit as usize);
        rows.last().map(|last| {
            let (time, id) = at(last);
            write_cursor(time, id)
        })
    }
}

fn write_cursor(time: DateTime<Utc>, id: Uuid) -> String {
    hex(format!("{}|{id}", time.timestamp_micros()).as_bytes())
}

fn read_cursor(cursor: &str) -> Option<After> {
    let text = String::from_utf8(unhex(cursor)?).ok()?;
    let (micros, id) = text.split_once('|')?;
    Some(After {
        at: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        id: id.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_anything_else_is_refused() {
        use chrono::TimeZone;
        let at = Utc.with_ymd_and_hms(2026, 3, 17, 9, 30, 0).unwrap();
        let id = Uuid::from_u128(7);
        let cursor = write_cursor(at, id);
        assert_eq!(read_cursor(&cursor), Some(After { at, id }));
        assert_eq!(read_cursor("zz"), None);
        assert_eq!(read_cursor(&hex(b"12|not-a-uuid")), None);
    }
}
