//! Images people upload. An upload is trusted for nothing: it is recognised by its first
//! bytes (not its name), decoded within limits that stop a decompression bomb before it
//! allocates, turned the right way up, and drawn afresh into a new file. Only pixels cross
//! over, so no EXIF, GPS or other metadata from the camera survives.

pub use crate::domain::upload::UploadProblem;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use std::io::Cursor;

/// Larger than any phone photo; anything bigger is refused before it is decoded.
pub const MAX_UPLOAD_BYTES: usize = 15 * 1024 * 1024;
/// 48 megapixels in either direction covers every phone camera.
const MAX_SIDE: u32 = 12_000;
/// Decoding may use at most this much memory.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;
/// A provider's portrait: square, sharp at three times its largest size on the page.
pub const PORTRAIT_SIDE: u32 = 480;
const JPEG_QUALITY: u8 = 82;

/// An image ready to store and serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub content_type: &'static str,
    pub extension: &'static str,
    pub width: u32,
    pub height: u32,
    /// SHA-256 of the owner and `data`, hex: the file's name, so its URL never changes
    /// meaning, and two clinics' files never share one.
    pub content_hash: String,
    pub data: Vec<u8>,
}

/// What the first bytes say the file is; names and declared types are not asked.
fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Some(ImageFormat::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageFormat::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(ImageFormat::WebP),
        _ => None,
    }
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, UploadProblem> {
    if bytes.is_empty() {
        return Err(UploadProblem::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadProblem::TooLarge);
    }
    let format = sniff(bytes).ok_or(UploadProblem::NotAPhoto)?;
    // The JPEG decoder fills a cut-off picture with grey rather than fail; a photo that
    // stopped uploading half way must not become someone's portrait.
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(UploadProblem::Unreadable);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(UploadProblem::TooManyPixels);
    }
    // Phones store the picture sideways and say so in EXIF; apply it before it is dropped.
    let orientation = decoder.orientation().map_err(refused)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(refused)?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// Whether the main picture of a JPEG reaches its end marker. Segments before the first
/// scan are stepped over by their lengths, so a thumbnail inside the EXIF block (which has
/// its own end marker) is not mistaken for the end of the photo.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return false;
        }
        let marker = bytes[at + 1];
        if marker == 0xFF {
            at += 1; // fill byte
            continue;
        }
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if marker == 0xDA {
            // Start of scan: the entropy-coded data that follows escapes every 0xFF, so the
            // first end-of-image marker after it ends the main picture.
            return bytes[at + 2 + length.min(bytes.len() - at - 2)..]
                .windows(2)
                .any(|w| w == [0xFF, 0xD9]);
        }
        at += 2 + length;
    }
    false
}

fn refused(error: image::ImageError) -> UploadProblem {
    match error {
        image::ImageError::Limits(_) => UploadProblem::TooManyPixels,
        _ => UploadProblem::Unreadable,
    }
}

/// A square portrait from an uploaded photo: the centre cropped to a square, scaled to
/// [`PORTRAIT_SIDE`], saved as a fresh JPEG; `owner` (the clinic's id) goes into its name.
/// CPU-heavy: run it on a blocking thread.
pub fn portrait(bytes: &[u8], owner: &[u8]) -> Result<Prepared, UploadProblem> {
    let image = decode(bytes)?;
    let side = image.width().min(image.height());
    let square = image.crop_imm(
        (image.width() - side) / 2,
        (image.height() - side) / 2,
        side,
        side,
    );
    let scaled = square
        .resize_exact(
            PORTRAIT_SIDE,
            PORTRAIT_SIDE,
            image::imageops::FilterType::CatmullRom,
        )
        .into_rgb8();
    let mut data = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, JPEG_QUALITY)
        .encode_image(&scaled)
        .map_err(|_| UploadProblem::Unreadable)?;
    Ok(Prepared {
        content_type: "image/jpeg",
        extension: "jpg",
        width: PORTRAIT_SIDE,
        height: PORTRAIT_SIDE,
        content_hash: hex(&Sha256::new()
            .chain_update(owner)
            .chain_update(&data)
            .finalize()),
        data,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Test photos: a plain JPEG, one carrying a camera's EXIF block, and a decompression
/// bomb's header. Also used by the server's integration tests.
#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures {
    use image::{ImageBuffer, ImageFormat, Rgb};
    use std::io::Cursor;

    /// A photo-like JPEG of `width` × `height`.
    pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let image = ImageBuffer::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        });
        let mut data = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, 90)
            .encode_image(&image)
            .unwrap();
        data
    }

    /// `jpeg` with a camera's EXIF block (GPS position included) after its first marker.
    pub fn with_exif(jpeg: &[u8]) -> Vec<u8> {
        // A little-endian TIFF header and one IFD entry pointing at a GPS IFD: enough for
        // any reader to see location metadata.
        let mut tiff = b"II*\0\x08\0\0\0\x01\0\x25\x88\x04\0\x01\0\0\0\x1a\0\0\0\0\0\0\0".to_vec();
        tiff.extend_from_slice(b"\x01\0\x02\0\x02\0\x02\0\0\0N\0\0\0\0\0\0\0");
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend_from_slice(&tiff);
        let length = (segment.len() + 2) as u16;
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&segment);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    /// A PNG whose header claims `width` × `height` pixels: a decompression bomb's shape.
    pub fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut data = Vec::new();
        ImageBuffer::from_pixel(1, 1, Rgb([0u8, 0, 0]))
            .write_to(&mut Cursor::new(&mut data), ImageFormat::Png)
            .unwrap();
        // IHDR's width and height sit at bytes 16..24; its CRC follows the chunk data.
        data[16..20].copy_from_slice(&width.to_be_bytes());
        data[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&data[12..29]);
        data[29..33].copy_from_slice(&crc.to_be_bytes());
        data
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{jpeg, png_claiming, with_exif};
    use super::*;

    fn portrait_of(bytes: &[u8]) -> Result<Prepared, UploadProblem> {
        portrait(bytes, b"clinic")
    }

    #[test]
    fn a_photo_becomes_a_square_portrait_without_its_metadata() {
        let upload = with_exif(&jpeg(1200, 800));
        assert!(
            upload.windows(4).any(|w| w == b"Exif"),
            "the test photo carries EXIF"
        );
        let portrait = portrait_of(&upload).unwrap();
        let elsewhere = super::portrait(&upload, b"another clinic").unwrap();
        assert_ne!(portrait.content_hash, elsewhere.content_hash);
        assert_eq!(
            (portrait.width, portrait.height),
            (PORTRAIT_SIDE, PORTRAIT_SIDE)
        );
        assert!(
            !portrait.data.windows(4).any(|w| w == b"Exif"),
            "EXIF survived"
        );
        let decoded = image::load_from_memory(&portrait.data).unwrap();
        assert_eq!(
            (decoded.width(), decoded.height()),
            (PORTRAIT_SIDE, PORTRAIT_SIDE)
        );
        assert_eq!(portrait.content_hash.len(), 64);
    }

    #[test]
    fn files_that_are_not_photos_are_refused_by_their_content() {
        let html = b"<!doctype html><script>alert(1)</script>";
        assert_eq!(
            portrait_of(html).map(|p| p.content_hash),
            Err(UploadProblem::NotAPhoto)
        );
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(
            portrait_of(svg).map(|p| p.content_hash),
            Err(UploadProblem::NotAPhoto)
        );
        assert_eq!(
            portrait_of(b"").map(|p| p.content_hash),
            Err(UploadProblem::Empty)
        );
    }

    #[test]
    fn a_truncated_photo_is_unreadable() {
        let whole = jpeg(400, 300);
        assert!(portrait_of(&whole).is_ok());
        let cut = portrait_of(&whole[..whole.len() / 3]).map(|p| p.content_hash);
        assert_eq!(cut, Err(UploadProblem::Unreadable));
        // A cut-off photo whose EXIF thumbnail is whole is still cut off.
        let cut_with_exif = with_exif(&whole[..whole.len() / 3]);
        assert_eq!(
            portrait_of(&cut_with_exif).map(|p| p.content_hash),
            Err(UploadProblem::Unreadable)
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        let bomb = png_claiming(100_000, 100_000);
        assert!(bomb.len() < 100, "a tiny file");
        let refused = portrait_of(&bomb).map(|p| p.content_hash);
        assert!(
            matches!(refused, Err(UploadProblem::TooManyPixels)),
            "{refused:?}"
        );
    }

    #[test]
    fn an_oversized_file_is_refused_unread() {
        let mut huge = jpeg(16, 16);
        huge.resize(MAX_UPLOAD_BYTES + 1, 0);
        assert_eq!(
            portrait_of(&huge).map(|p| p.content_hash),
            Err(UploadProblem::TooLarge)
        );
    }
}
