//! What staff hide on a picture before the public sees it: a crop, and regions to blur
//! (a face's eyes, a tattoo, a birthmark). Regions are fractions of the picture, so the
//! same choice fits the original and every size made from it. Only public variants are
//! changed; the original is kept as it was.

use serde::{Deserialize, Serialize};

/// A rectangle as fractions of the picture's width and height, from its top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// Blurred regions are placed on the whole picture; the crop is applied after them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Privacy {
    #[serde(default)]
    pub crop: Option<Region>,
    #[serde(default)]
    pub blur: Vec<Region>,
}

/// At most this many blurred regions per picture.
pub const MAX_BLURS: usize = 8;

impl Region {
    /// From percentages as staff type them ("10", "20", "30", "15"); `None` when the
    /// region is empty, leaves the picture, or is too small to hide anything.
    pub fn from_percent(x: f32, y: f32, width: f32, height: f32) -> Option<Region> {
        let region = Region {
            x: x / 100.0,
            y: y / 100.0,
            width: width / 100.0,
            height: height / 100.0,
        };
        region.is_valid().then_some(region)
    }

    pub fn is_valid(&self) -> bool {
        let parts = [self.x, self.y, self.width, self.height];
        parts.iter().all(|v| v.is_finite())
            && self.x >= 0.0
            && self.y >= 0.0
            && self.width >= 0.02
            && self.height >= 0.02
            && self.x + self.width <= 1.0001
            && self.y + self.height <= 1.0001
    }

    /// In pixels of a `width` × `height` picture: (x, y, width, height), at least one
    /// pixel and never past the edge.
    pub fn in_pixels(&self, width: u32, height: u32) -> (u32, u32, u32, u32) {
        let px = |fraction: f32, of: u32| ((fraction * of as f32).round() as u32).min(of);
        let x = px(self.x, width).min(width.saturating_sub(1));
        let y = px(self.y, height).min(height.saturating_sub(1));
        let w = px(self.width, width).clamp(1, width - x);
        let h = px(self.height, height).clamp(1, height - y);
        (x, y, w, h)
    }

    /// As percentages, for the form that edits it.
    pub fn percentages(&self) -> [f32; 4] {
        [self.x, self.y, self.width, self.height].map(|v| (v * 1000.0).round() / 10.0)
    }
}

/// "left, top, width, height" in percent, as staff type a region.
fn region_from_text(line: &str) -> Option<Region> {
    let numbers: Vec<f32> = line
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(|part| part.trim_end_matches('%').parse().ok())
        .collect::<Option<_>>()?;
    match numbers[..] {
        [x, y, width, height] => Region::from_percent(x, y, width, height),
        _ => None,
    }
}

fn region_to_text(region: &Region) -> String {
    let [x, y, w, h] = region.percentages();
    format!("{x}, {y}, {w}, {h}")
}

impl Privacy {
    /// From the picture form: the crop as one region, blurred regions one per line. The
    /// message says which line is wrong.
    pub fn from_text(crop: &str, blur: &str) -> Result<Privacy, String> {
        let crop = match crop.trim() {
            "" => None,
            text => Some(region_from_text(text).ok_or_else(|| {
                "Give the crop as left, top, width, height in percent of the picture, like 10, 0, 80, 100.".to_owned()
            })?),
        };
        let mut regions = Vec::new();
        for (n, line) in blur
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
        {
            regions.push(region_from_text(line).ok_or_else(|| {
                format!("Blurred region {} isn't inside the picture: give left, top, width, height in percent, like 30, 20, 40, 12.", n + 1)
            })?);
        }
        let privacy = Privacy {
            crop,
            blur: regions,
        };
        if privacy.blur.len() > MAX_BLURS {
            return Err(format!("Blur at most {MAX_BLURS} regions of one picture."));
        }
        Ok(privacy)
    }

    /// The crop and the blurred regions as the form shows them.
    pub fn to_text(&self) -> (String, String) {
        (
            self.crop.as_ref().map(region_to_text).unwrap_or_default(),
            self.blur
                .iter()
                .map(region_to_text)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    }

    pub fn is_empty(&self) -> bool {
        self.crop.is_none() && self.blur.is_empty()
    }

    /// Whether every region is inside the picture and there are not too many.
    pub fn is_valid(&self) -> bool {
        self.crop.is_none_or(|c| c.is_valid())
            && self.blur.len() <= MAX_BLURS
            && self.blur.iter().all(Region::is_valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_typed_as_percentages_must_lie_inside_the_picture() {
        assert!(Region::from_percent(10.0, 20.0, 30.0, 15.0).is_some());
        assert!(
            Region::from_percent(80.0, 0.0, 30.0, 10.0).is_none(),
            "past the right edge"
        );
        assert!(Region::from_percent(-1.0, 0.0, 30.0, 10.0).is_none());
        assert!(
            Region::from_percent(0.0, 0.0, 0.5, 10.0).is_none(),
            "too thin to hide anything"
        );
        assert!(Region::from_percent(f32::NAN, 0.0, 10.0, 10.0).is_none());
    }

    #[test]
    fn pixels_never_leave_the_picture() {
        let whole = Region {
            x: 0.0,
            y: 0.0,
            width: 1.0,
            height: 1.0,
        };
        assert_eq!(whole.in_pixels(640, 480), (0, 0, 640, 480));
        let corner = Region {
            x: 0.99,
            y: 0.99,
            width: 0.02,
            height: 0.02,
        };
        let (x, y, w, h) = corner.in_pixels(100, 100);
        assert!(x + w <= 100 && y + h <= 100 && w >= 1 && h >= 1);
    }

    #[test]
    fn regions_typed_in_the_form_round_trip() {
        let privacy = Privacy::from_text("10, 0, 80, 100", "30, 20, 40, 12\n\n5 5 10 10").unwrap();
        assert_eq!(privacy.blur.len(), 2);
        let (crop, blur) = privacy.to_text();
        assert_eq!(Privacy::from_text(&crop, &blur).unwrap(), privacy);
        assert!(Privacy::from_text("", "").unwrap().is_empty());
        let wrong = Privacy::from_text("", "30, 20, 40, 12\n90, 90, 20, 20").unwrap_err();
        assert!(wrong.contains("region 2"), "{wrong}");
        assert!(Privacy::from_text("half", "").is_err());
    }

    #[test]
    fn privacy_reads_back_from_what_the_database_keeps() {
        let empty: Privacy = serde_json::from_str("{}").unwrap();
        assert!(empty.is_empty() && empty.is_valid());
        let too_many = Privacy {
            crop: None,
            blur: vec![
                Region {
                    x: 0.0,
                    y: 0.0,
                    width: 0.1,
                    height: 0.1
                };
                MAX_BLURS + 1
            ],
        };
        assert!(!too_many.is_valid());
    }
}
