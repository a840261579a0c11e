//! The availability engine under the load the booking issue names: one treatment, 60 days,
//! 20 providers, 10,000 existing appointments, asking for the first 20 free times. Run with
//! `cargo bench -p app --bench availability`; BENCHMARKS.md records the results.
//!
//! Criterion reports the mean and its spread; the percentiles the target is written in
//! (p50, p95) are measured first, from 2,000 timed runs of the same question.

use app::domain::availability::{
    any_provider, free_slots, ProviderDiary, SlotQuery, Span, WeeklyHours,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use criterion::{black_box, Criterion};
use std::time::Instant;
use uuid::Uuid;

const PROVIDERS: u128 = 20;
const DAYS: i64 = 60;
const APPOINTMENTS: usize = 10_000;

/// Twenty providers working Monday to Saturday, 09:00–18:00 in London, each with 500 of
/// the 10,000 appointments (30 or 45 minutes) spread over the 60 days, never overlapping.
fn diaries(first_day: NaiveDate, zone: Tz) -> Vec<ProviderDiary> {
    let weekly: Vec<WeeklyHours> = (0..6)
        .map(|weekday| WeeklyHours {
            weekday,
            starts: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            ends: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        })
        .collect();
    let working_days: Vec<NaiveDate> = (0..DAYS)
        .map(|n| first_day + Duration::days(n))
        .filter(|d| d.weekday() != chrono::Weekday::Sun)
        .collect();
    let per_provider = APPOINTMENTS / PROVIDERS as usize;
    (0..PROVIDERS)
        .map(|p| {
            let mut busy = Vec::with_capacity(per_provider);
            let mut n = 0usize;
            // Fill each working day's hour slots in a provider-specific order until the
            // provider has their share: about ten appointments a day, gaps between.
            'days: for day in &working_days {
                for hour in 0..9u32 {
                    if n == per_provider {
                        break 'days;
                    }
                    let skip = (hour as u128 + p + day.ordinal() as u128).is_multiple_of(5);
                    if skip {
                        continue;
                    }
                    let local = day.and_hms_opt(9 + hour, 0, 0).unwrap();
                    let start = zone
                        .from_local_datetime(&local)
                        .earliest()
                        .unwrap()
                        .with_timezone(&Utc);
                    let minutes = if (n + p as usize).is_multiple_of(3) {
                        45
                    } else {
                        30
                    };
                    busy.push(Span::new(start, start + Duration::minutes(minutes)));
                    n += 1;
                }
            }
            // Whatever did not fit the first pass goes at half past, in the gaps.
            let mut day_index = 0;
            while n < per_provider {
                let day = working_days[day_index % working_days.len()];
                let hour = (day_index / working_days.len()) as u32 % 8;
                let local = day.and_hms_opt(9 + hour, 45, 0).unwrap();
                let start = zone
                    .from_local_datetime(&local)
                    .earliest()
                    .unwrap()
                    .with_timezone(&Utc);
                busy.push(Span::new(start, start + Duration::minutes(10)));
                n += 1;
                day_index += 1;
            }
            ProviderDiary {
                provider: Uuid::from_u128(p + 1),
                weekly: weekly.clone(),
                extra: Vec::new(),
                busy,
            }
        })
        .collect()
}

fn query(first_day: NaiveDate, zone: Tz, limit: Option<usize>) -> SlotQuery {
    SlotQuery {
        time_zone: zone,
        first_day,
        last_day: first_day + Duration::days(DAYS - 1),
        now: Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap(),
        min_notice: Duration::hours(2),
        horizon: Duration::days(DAYS + 1),
        duration: Duration::minutes(45),
        buffer_before: Duration::minutes(5),
        buffer_after: Duration::minutes(10),
        granularity: Duration::minutes(15),
        rooms: None,
        closed: Vec::new(),
        limit,
    }
}

fn percentiles(name: &str, mut run: impl FnMut()) {
    for _ in 0..100 {
        run();
    }
    let mut times: Vec<f64> = (0..2000)
        .map(|_| {
            let started = Instant::now();
            run();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 * q) as usize).min(times.len() - 1)];
    println!(
        "{name}: p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms (2,000 runs)",
        at(0.50),
        at(0.95),
        at(0.99)
    );
}

fn main() {
    let zone: Tz = "Europe/London".parse().unwrap();
    let first_day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let providers = diaries(first_day, zone);
    let booked: usize = providers.iter().map(|p| p.busy.len()).sum();
    assert_eq!(booked, APPOINTMENTS);
    let first_20 = query(first_day, zone, Some(20));
    let everything = query(first_day, zone, None);
    assert_eq!(any_provider(&first_20, &providers).len(), 20);

    percentiles("first 20 free times, any of 20 providers", || {
        black_box(any_provider(black_box(&first_20), black_box(&providers)));
    });
    percentiles("every free time over 60 days, one provider", || {
        black_box(free_slots(
            black_box(&everything),
            black_box(&providers[..1]),
        ));
    });

    let mut criterion = Criterion::default().configure_from_args();
    criterion.bench_function("first 20 free times, any of 20 providers", |b| {
        b.iter(|| any_provider(black_box(&first_20), black_box(&providers)))
    });
    criterion.bench_function("every free time over 60 days, any of 20 providers", |b| {
        b.iter(|| any_provider(black_box(&everything), black_box(&providers)))
    });
    criterion.bench_function("every free time over 60 days, one provider", |b| {
        b.iter(|| free_slots(black_box(&everything), black_box(&providers[..1])))
    });
    criterion.final_summary();
}
