//! The media pipeline on a 12-megapixel camera photo (4000 × 3000 JPEG): decoding it
//! within the limits, then every public size as WebP and JPEG, as the background job does.
//! Run with `cargo bench -p app --features ssr --bench media`; BENCHMARKS.md records the
//! results. Before criterion's runs it times one whole pass and reports the process's peak
//! memory (VmHWM) after it, which is what one upload costs the server at most.

use app::backend::integrations::media::{decode, variants};
use app::domain::privacy::Privacy;
use criterion::{black_box, Criterion};
use image::{ImageBuffer, Rgb};
use std::time::Instant;

/// A photo-like picture: smooth gradients with fine grain, which compresses like skin
/// rather than like a flat test card.
fn camera_photo() -> Vec<u8> {
    let mut seed = 0x2545_f491_u32;
    let image = ImageBuffer::from_fn(4000, 3000, |x, y| {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        let grain = (seed % 24) as i32 - 12;
        let shade =
            |base: u32, spread: u32| (base + (x * spread / 4000) + (y * spread / 6000)) as i32;
        let c = |v: i32| (v + grain).clamp(0, 255) as u8;
        Rgb([c(shade(150, 80)), c(shade(110, 60)), c(shade(90, 50))])
    });
    let mut data = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, 92)
        .encode_image(&image)
        .unwrap();
    data
}

fn all_sizes(upload: &[u8]) -> usize {
    let decoded = decode(upload).expect("a photo");
    let master = variants::public_master(&decoded, &Privacy::default());
    variants::plan(master.width())
        .into_iter()
        .map(|variant| variants::make(&master, variant, b"clinic").data.len())
        .sum()
}

fn peak_memory_kib() -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let upload = camera_photo();
    let before = peak_memory_kib();
    let started = Instant::now();
    let bytes = all_sizes(&upload);
    let took = started.elapsed();
    println!(
        "12 MP JPEG ({:.1} MB): decoded and made into {} sizes ({:.0} KB in all) in {:.2} s; peak memory {} MiB (before: {} MiB)",
        upload.len() as f64 / 1e6,
        variants::plan(4000).len(),
        bytes as f64 / 1024.0,
        took.as_secs_f64(),
        peak_memory_kib().unwrap_or(0) / 1024,
        before.unwrap_or(0) / 1024,
    );
    let mut criterion = Criterion::default().sample_size(10).configure_from_args();
    criterion.bench_function("12 MP upload: decode and every public size", |b| {
        b.iter(|| all_sizes(black_box(&upload)))
    });
    criterion.final_summary();
}
