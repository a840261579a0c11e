//! Before/after illustrations drawn here, so the demo ships no photograph of anyone.
//! Each is an abstract close-up of skin: the "before" has the concern the treatment
//! addresses (lines, spots, texture, redness), the "after" has much less of it.

use std::fmt::Write;

pub const WIDTH: u32 = 480;
pub const HEIGHT: u32 = 600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concern {
    Lines,
    Spots,
    Texture,
    Redness,
    Volume,
}

/// A small deterministic generator: the same case always draws the same picture.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (self.next() % 10_000) as f64 / 10_000.0 * (high - low)
    }
}

const SKIN_TONES: [(&str, &str); 6] = [
    ("#f6dcc8", "#e5b89c"),
    ("#eecbb0", "#d49f7e"),
    ("#e0b08c", "#c18763"),
    ("#c98e66", "#a66c47"),
    ("#a8704c", "#825134"),
    ("#7d4f35", "#5c3622"),
];

/// Draws one illustration. `severity` runs from 0 (none of the concern) to 1 (marked).
pub fn draw(seed: u64, concern: Concern, severity: f64) -> String {
    let mut rng = Rng(seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        | 1);
    let (light, shade) = SKIN_TONES[(rng.next() % SKIN_TONES.len() as u64) as usize];
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">"##
    );
    let _ = write!(
        svg,
        r##"<defs><radialGradient id="g" cx="{:.0}%" cy="{:.0}%" r="75%"><stop offset="0%" stop-color="{light}"/><stop offset="100%" stop-color="{shade}"/></radialGradient></defs><rect width="{WIDTH}" height="{HEIGHT}" fill="url(#g)"/>"##,
        rng.range(35.0, 65.0),
        rng.range(30.0, 55.0)
    );
    // The same soft contours in both pictures, so the pair reads as one place.
    for _ in 0..3 {
        let _ = write!(
            svg,
            r##"<ellipse cx="{:.0}" cy="{:.0}" rx="{:.0}" ry="{:.0}" fill="#ffffff" opacity="0.08"/>"##,
            rng.range(60.0, 420.0),
            rng.range(80.0, 520.0),
            rng.range(80.0, 200.0),
            rng.range(60.0, 160.0)
        );
    }
    let marks = (severity * 40.0).round() as usize;
    match concern {
        Concern::Lines => {
            for i in 0..(marks / 4).max(usize::from(severity > 0.05)) {
                let y = 150.0 + i as f64 * rng.range(28.0, 40.0);
                let _ = write!(
                    svg,
                    r##"<path d="M{:.0} {y:.0} Q {:.0} {:.0} {:.0} {:.0}" stroke="{shade}" stroke-width="{:.1}" fill="none" stroke-linecap="round" opacity="{:.2}"/>"##,
                    rng.range(60.0, 140.0),
                    rng.range(200.0, 280.0),
                    y - rng.range(10.0, 30.0),
                    rng.range(340.0, 420.0),
                    y + rng.range(-8.0, 8.0),
                    1.5 + severity * 3.0,
                    0.3 + severity * 0.5
                );
            }
        }
        Concern::Spots => {
            for _ in 0..marks {
                let _ = write!(
                    svg,
                    r##"<circle cx="{:.0}" cy="{:.0}" r="{:.1}" fill="#6b4431" opacity="{:.2}"/>"##,
                    rng.range(30.0, 450.0),
                    rng.range(30.0, 570.0),
                    rng.range(3.0, 12.0),
                    rng.range(0.15, 0.45)
                );
            }
        }
        Concern::Texture => {
            for _ in 0..marks * 3 {
                let _ = write!(
                    svg,
                    r##"<circle cx="{:.0}" cy="{:.0}" r="{:.1}" fill="{shade}" opacity="0.55"/>"##,
                    rng.range(20.0, 460.0),
                    rng.range(20.0, 580.0),
                    rng.range(1.0, 3.0)
                );
            }
        }
        Concern::Redness => {
            for _ in 0..(marks / 3) {
                let _ = write!(
                    svg,
                    r##"<ellipse cx="{:.0}" cy="{:.0}" rx="{:.0}" ry="{:.0}" fill="#d1495b" opacity="{:.2}"/>"##,
                    rng.range(80.0, 400.0),
                    rng.range(100.0, 500.0),
                    rng.range(30.0, 90.0),
                    rng.range(20.0, 60.0),
                    0.06 + severity * 0.12
                );
            }
        }
        Concern::Volume => {
            let depth = 0.1 + severity * 0.35;
            let _ = write!(
                svg,
                r##"<path d="M40 {:.0} C 160 {:.0}, 320 {:.0}, 440 {:.0}" stroke="#3b2418" stroke-width="60" fill="none" opacity="{depth:.2}" stroke-linecap="round"/>"##,
                rng.range(330.0, 380.0),
                rng.range(380.0, 440.0) + severity * 40.0,
                rng.range(380.0, 440.0) + severity * 40.0,
                rng.range(330.0, 380.0)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_picture() {
        assert_eq!(draw(7, Concern::Spots, 0.8), draw(7, Concern::Spots, 0.8));
        assert_ne!(draw(7, Concern::Spots, 0.8), draw(8, Concern::Spots, 0.8));
    }

    #[test]
    fn the_after_picture_shows_less_of_the_concern() {
        let before = draw(3, Concern::Spots, 0.9);
        let after = draw(3, Concern::Spots, 0.2);
        assert!(before.matches("<circle").count() > after.matches("<circle").count());
    }

    #[test]
    fn pictures_are_standalone_svg_documents_without_scripts() {
        for concern in [
            Concern::Lines,
            Concern::Spots,
            Concern::Texture,
            Concern::Redness,
            Concern::Volume,
        ] {
            let svg = draw(11, concern, 0.7);
            assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
            assert!(svg.ends_with("</svg>"));
            assert!(!svg.contains("<script"));
        }
    }
}
