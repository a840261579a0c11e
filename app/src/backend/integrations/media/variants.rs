//! New files drawn from decoded pixels: a provider's square portrait, and a gallery
//! picture's public sizes with the staff's privacy choices applied. Only pixels cross over
//! from the upload, so no EXIF, GPS or other camera metadata survives.

use crate::backend::hex::hex;
use crate::domain::privacy::Privacy;
use image::imageops::FilterType;
use image::{DynamicImage, RgbImage};
use sha2::{Digest, Sha256};

/// A provider's portrait: square, sharp at three times its largest size on the page.
pub const PORTRAIT_SIDE: u32 = 480;
/// The widths a gallery picture is offered in; a picture narrower than one of them is
/// also offered at its own width, never enlarged.
pub const WIDTHS: [u32; 4] = [320, 640, 1280, 1920];
/// What Cloudinary is given to make its own sizes from: big enough for the largest.
pub const CLOUD_MASTER_WIDTH: u32 = 2560;
const JPEG_QUALITY: u8 = 80;
const WEBP_QUALITY: f32 = 74.0;

/// An image ready to store and serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub content_type: &'static str,
    pub width: u32,
    pub height: u32,
    /// SHA-256 of the owner and `data`, hex: the file's name, so its URL never changes
    /// meaning, and two clinics' files never share one.
    pub content_hash: String,
    pub data: Vec<u8>,
}

impl Prepared {
    fn new(content_type: &'static str, image: &RgbImage, data: Vec<u8>, owner: &[u8]) -> Self {
        Prepared {
            content_type,
            width: image.width(),
            height: image.height(),
            content_hash: hex(&Sha256::new()
                .chain_update(owner)
                .chain_update(&data)
                .finalize()),
            data,
        }
    }

    /// The file name it is stored and served under.
    pub fn file_name(&self) -> String {
        crate::gallery::types::file_name(&self.content_hash, self.content_type)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    WebP,
    Jpeg,
}

/// One public size of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub width: u32,
    pub format: Format,
}

/// The widths a picture `width` pixels wide is offered in, smallest first: the standard
/// ones below its own width, and its own width when it is no wider than the largest.
pub fn widths(width: u32) -> Vec<u32> {
    let largest = WIDTHS[WIDTHS.len() - 1];
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    if width <= largest {
        widths.push(width);
    }
    widths
}

/// The sizes to make of a picture `width` pixels wide, each as WebP and as JPEG (for the
/// browsers that lack WebP), smallest first.
pub fn plan(width: u32) -> Vec<Variant> {
    widths(width)
        .into_iter()
        .flat_map(|width| [Format::WebP, Format::Jpeg].map(|format| Variant { width, format }))
        .collect()
}

/// The picture as the public may see it: the chosen regions blurred beyond recognition
/// (shrunk to a few pixels and enlarged again, which nothing can undo), then cropped.
pub fn public_master(image: &DynamicImage, privacy: &Privacy) -> RgbImage {
    let mut rgb = image.to_rgb8();
    let (width, height) = rgb.dimensions();
    for region in &privacy.blur {
        let (x, y, w, h) = region.in_pixels(width, height);
        let patch = image::imageops::crop_imm(&rgb, x, y, w, h).to_image();
        let coarse = resized(
            patch,
            (w / 24).max(1),
            (h / 24).max(1),
            FilterType::Triangle,
        );
        let blurred = resized(coarse, w, h, FilterType::Triangle);
        image::imageops::replace(&mut rgb, &blurred, i64::from(x), i64::from(y));
    }
    match privacy.crop {
        Some(crop) => {
            let (x, y, w, h) = crop.in_pixels(width, height);
            image::imageops::crop_imm(&rgb, x, y, w, h).to_image()
        }
        None => rgb,
    }
}

fn scaled_to(master: &RgbImage, width: u32) -> RgbImage {
    if width >= master.width() {
        return master.clone();
    }
    let height =
        (u64::from(master.height()) * u64::from(width) / u64::from(master.width())).max(1) as u32;
    resized(master.clone(), width, height, FilterType::Lanczos3)
}

/// `image` resized through its own non-generic entry point. `imageops::resize` is generic, so
/// it would be compiled into this crate, unoptimised in debug builds (tests, the browser
/// tests' server) and many times slower there; this one is compiled optimised with `image`.
fn resized(image: RgbImage, width: u32, height: u32, filter: FilterType) -> RgbImage {
    DynamicImage::ImageRgb8(image)
        .resize_exact(width, height, filter)
        .into_rgb8()
}

/// One public size of `master`, freshly encoded; `owner` (the clinic's id) goes into its
/// name. CPU-heavy: run it on a blocking thread.
pub fn make(master: &RgbImage, variant: Variant, owner: &[u8]) -> Prepared {
    let image = scaled_to(master, variant.width);
    match variant.format {
        Format::WebP => {
            let data = webp::Encoder::from_rgb(image.as_raw(), image.width(), image.height())
                .encode(WEBP_QUALITY)
                .to_vec();
            Prepared::new("image/webp", &image, data, owner)
        }
        Format::Jpeg => Prepared::new("image/jpeg", &image, jpeg(&image), owner),
    }
}

/// The one file Cloudinary receives for a picture: the public master as a high-quality
/// JPEG, no wider than it needs. Cloudinary makes each size and format from it.
pub fn cloud_master(master: &RgbImage, owner: &[u8]) -> Prepared {
    let image = scaled_to(master, CLOUD_MASTER_WIDTH);
    let mut data = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, 90)
        .encode_image(&image)
        .expect("encoding to memory cannot fail");
    Prepared::new("image/jpeg", &image, data, owner)
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut data = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, JPEG_QUALITY)
        .encode_image(image)
        .expect("encoding to memory cannot fail");
    data
}

/// A square portrait from a decoded photo: the centre cropped to a square, scaled to
/// [`PORTRAIT_SIDE`], saved as a fresh JPEG. CPU-heavy: run it on a blocking thread.
pub fn portrait(image: &DynamicImage, owner: &[u8]) -> Prepared {
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    let scaled = square
        .resize_exact(PORTRAIT_SIDE, PORTRAIT_SIDE, FilterType::CatmullRom)
        .into_rgb8();
    Prepared::new("image/jpeg", &scaled, jpeg(&scaled), owner)
}

#[cfg(test)]
mod tests {
    use super::super::decode::decode;
    use super::super::fixtures::{jpeg as photo, with_exif};
    use super::*;
    use crate::domain::privacy::Region;

    /// What an EXIF reader finds in `data`: nothing, for a clean file.
    fn exif_fields(data: &[u8]) -> usize {
        exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(data))
            .map(|e| e.fields().count())
            .unwrap_or(0)
    }

    #[test]
    fn the_test_photo_really_carries_gps_metadata() {
        let upload = with_exif(&photo(64, 48));
        let exif = exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(&upload))
            .expect("an EXIF reader finds the block");
        assert!(exif.fields().any(|f| f.tag.context() == exif::Context::Gps));
    }

    #[test]
    fn every_public_size_is_made_without_metadata_and_never_enlarged() {
        let upload = with_exif(&photo(1500, 1000));
        let image = decode(&upload).unwrap();
        let master = public_master(&image, &Privacy::default());
        let plan = plan(master.width());
        assert_eq!(
            plan.iter().map(|v| v.width).collect::<Vec<_>>(),
            [320, 320, 640, 640, 1280, 1280, 1500, 1500]
        );
        for variant in plan {
            let made = make(&master, variant, b"clinic");
            assert_eq!(exif_fields(&made.data), 0, "{variant:?} carries EXIF");
            assert!(!made.data.windows(4).any(|w| w == b"Exif"));
            let back = image::load_from_memory(&made.data).unwrap();
            assert_eq!((back.width(), back.height()), (made.width, made.height));
            assert_eq!(made.width, variant.width);
            assert_eq!(made.height, variant.width * 1000 / 1500);
            let expected = if variant.format == Format::WebP {
                "image/webp"
            } else {
                "image/jpeg"
            };
            assert_eq!(made.content_type, expected);
        }
    }

    #[test]
    fn wide_pictures_stop_at_the_largest_size() {
        assert_eq!(plan(4000).last().unwrap().width, 1920);
        assert_eq!(
            plan(200).iter().map(|v| v.width).collect::<Vec<_>>(),
            [200, 200]
        );
    }

    #[test]
    fn a_file_is_named_by_its_owner_and_content() {
        let master = public_master(&decode(&photo(400, 300)).unwrap(), &Privacy::default());
        let ours = make(
            &master,
            Variant {
                width: 320,
                format: Format::Jpeg,
            },
            b"one clinic",
        );
        let theirs = make(
            &master,
            Variant {
                width: 320,
                format: Format::Jpeg,
            },
            b"another clinic",
        );
        assert_eq!(ours.data, theirs.data);
        assert_ne!(ours.content_hash, theirs.content_hash);
        assert_eq!(ours.content_hash.len(), 64);
        assert_eq!(ours.file_name(), format!("{}.jpg", ours.content_hash));
    }

    #[test]
    fn blurred_regions_lose_their_detail_and_the_rest_is_untouched() {
        // Fine stripes: detail a blur must remove.
        let stripes = image::RgbImage::from_fn(200, 100, |x, _| {
            if x % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let image = DynamicImage::ImageRgb8(stripes.clone());
        let privacy = Privacy {
            crop: None,
            blur: vec![Region {
                x: 0.0,
                y: 0.0,
                width: 0.5,
                height: 1.0,
            }],
        };
        let public = public_master(&image, &privacy);
        let contrast = |x: u32| {
            i32::from(public.get_pixel(x, 50)[0]) - i32::from(public.get_pixel(x + 1, 50)[0])
        };
        assert!(
            contrast(40).abs() < 40,
            "the blurred half still shows stripes"
        );
        assert_eq!(public.get_pixel(150, 50), stripes.get_pixel(150, 50));
        assert_eq!(contrast(150).abs(), 255);
    }

    #[test]
    fn a_crop_keeps_only_the_chosen_part() {
        let image = DynamicImage::ImageRgb8(image::RgbImage::new(400, 200));
        let privacy = Privacy {
            crop: Some(Region {
                x: 0.25,
                y: 0.0,
                width: 0.5,
                height: 0.5,
            }),
            blur: vec![],
        };
        assert_eq!(public_master(&image, &privacy).dimensions(), (200, 100));
    }

    #[test]
    fn a_photo_becomes_a_square_portrait_without_its_metadata() {
        let image = decode(&with_exif(&photo(1200, 800))).unwrap();
        let portrait = portrait(&image, b"clinic");
        assert_eq!(
            (portrait.width, portrait.height),
            (PORTRAIT_SIDE, PORTRAIT_SIDE)
        );
        assert_eq!(exif_fields(&portrait.data), 0);
        let decoded = image::load_from_memory(&portrait.data).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (PORTRAIT_SIDE, PORTRAIT_SIDE)
        );
    }
}
