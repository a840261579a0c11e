//! Reading an upload: recognised by its first bytes (not its name or declared type),
//! decoded within limits that stop a decompression bomb before it allocates, and turned
//! the right way up. What comes out is pixels only.

use super::UploadProblem;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Larger than any phone photo; anything bigger is refused before it is decoded.
pub const MAX_UPLOAD_BYTES: usize = 15 * 1024 * 1024;
/// 48 megapixels in either direction covers every phone camera.
const MAX_SIDE: u32 = 12_000;
/// Decoding may use at most this much memory: a 48-megapixel photo (144 MB as RGB) fits,
/// a file claiming more pixels than that is refused before anything is allocated.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// What the first bytes say the file is; names and declared types are not asked.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, UploadProblem> {
    match bytes {
        [0xFF, 0xD8, 0xFF, ..] => Ok(ImageFormat::Jpeg),
        [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Ok(ImageFormat::Png),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Ok(ImageFormat::WebP),
        // An ISO media file whose brand says HEIF: what iPhones save by default.
        [_, _, _, _, b'f', b't', b'y', b'p', brand @ ..]
            if [
                b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1",
            ]
            .iter()
            .any(|b| brand.starts_with(*b)) =>
        {
            Err(UploadProblem::Heic)
        }
        _ => Err(UploadProblem::NotAPhoto),
    }
}

/// The upload's pixels, the right way up, or why it was refused. CPU-heavy (a 12-megapixel
/// JPEG takes a good fraction of a second): run it on a blocking thread.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, UploadProblem> {
    if bytes.is_empty() {
        return Err(UploadProblem::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadProblem::TooLarge);
    }
    let format = sniff(bytes)?;
    // The JPEG decoder fills a cut-off picture with grey rather than fail; a photo that
    // stopped uploading half way must not be published.
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
    // Checked here, from the header alone, so a bomb is refused before any allocation.
    if width > MAX_SIDE || height > MAX_SIDE || decoder.total_bytes() > MAX_DECODE_BYTES {
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

#[cfg(test)]
mod tests {
    use super::super::fixtures::{jpeg, png_claiming, with_exif};
    use super::*;

    fn problem(bytes: &[u8]) -> Option<UploadProblem> {
        decode(bytes).err()
    }

    #[test]
    fn files_that_are_not_photos_are_refused_by_their_content() {
        assert_eq!(
            problem(b"<!doctype html><script>alert(1)</script>"),
            Some(UploadProblem::NotAPhoto)
        );
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(problem(svg), Some(UploadProblem::NotAPhoto));
        assert_eq!(problem(b""), Some(UploadProblem::Empty));
        let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
        assert_eq!(problem(heic), Some(UploadProblem::Heic));
    }

    #[test]
    fn a_truncated_photo_is_unreadable() {
        let whole = jpeg(400, 300);
        assert!(decode(&whole).is_ok());
        assert_eq!(
            problem(&whole[..whole.len() / 3]),
            Some(UploadProblem::Unreadable)
        );
        // A cut-off photo whose EXIF thumbnail is whole is still cut off.
        let cut_with_exif = with_exif(&whole[..whole.len() / 3]);
        assert_eq!(problem(&cut_with_exif), Some(UploadProblem::Unreadable));
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_it_is_decoded() {
        let bomb = png_claiming(100_000, 100_000);
        assert!(bomb.len() < 100, "a tiny file");
        assert_eq!(problem(&bomb), Some(UploadProblem::TooManyPixels));
        // Within the side limit but past the memory limit: still refused, not allocated.
        assert_eq!(
            problem(&png_claiming(11_999, 11_999)),
            Some(UploadProblem::TooManyPixels)
        );
    }

    #[test]
    fn an_oversized_file_is_refused_unread() {
        let mut huge = jpeg(16, 16);
        huge.resize(MAX_UPLOAD_BYTES + 1, 0);
        assert_eq!(problem(&huge), Some(UploadProblem::TooLarge));
    }
}
