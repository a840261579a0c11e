//! Test photos: a plain JPEG, one carrying a camera's EXIF block, and a decompression
//! bomb's header. Also used by the server's integration tests.

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
