//! Text typed into a textarea comes back inside it as text: never as markup that ends the
//! textarea and goes on as the page's own (a shared hold link, or a staff editor, would
//! carry it to someone else's browser).

use crate::booking::{at, details, held_link, lewis, save_details, MOLE_CHECK};
use crate::common::{self, get, get_as, post_as, signed_in, ADMIN};
use app::backend::state::Clock;
use chrono::{TimeZone, Utc};
use sqlx::PgPool;
use uuid::Uuid;

const BREAKOUT: &str = "</textarea><script>alert(1)</script><b>bold</b> & co";

fn kept_as_text(page: &str, what: &str) {
    assert!(!page.contains("</textarea><script>"), "{what}: {page}");
    assert!(!page.contains("<b>bold</b>"), "{what}");
    assert!(
        page.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; &amp; co</textarea>"),
        "{what}: {page}"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn markup_typed_into_a_textarea_comes_back_as_text(pool: PgPool) {
    let monday = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let app = common::app_with_clock(&pool, Clock::fixed(monday)).await;

    // A patient's notes, on the details page their hold link opens again.
    let link = held_link(&app, MOLE_CHECK, lewis(&pool).await, at(10, 0)).await;
    let mut fields = details("ana.ruiz@example.com");
    fields.retain(|(name, _)| *name != "details[notes]");
    fields.push(("details[notes]", BREAKOUT.to_owned()));
    let saved = save_details(&app, &link, &fields).await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let page = get(&app, &format!("/book/details?hold={link}")).await;
    kept_as_text(&page.body, "booking notes");

    // A provider's biography, in the staff editor.
    let admin = signed_in(&app, ADMIN).await;
    let amara: Uuid = sqlx::query_scalar("SELECT id FROM providers WHERE slug = 'amara-okafor'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let saved = post_as(
        &app,
        "admin/save_provider",
        Some(&admin),
        &common::form(&[
            ("form[id]", &amara.to_string()),
            ("form[display_name]", "Dr Amara Okafor"),
            ("form[title]", "Clinical lead"),
            ("form[slug]", "amara-okafor"),
            ("form[bio]", BREAKOUT),
            ("form[active]", "on"),
        ]),
    )
    .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let editor = get_as(&app, &format!("/admin/providers/{amara}"), Some(&admin)).await;
    kept_as_text(&editor.body, "provider biography");
}
