/**
 * Uploaded photos are re-encoded before they are stored (sharp / libvips):
 * - every metadata block is dropped: EXIF (GPS position of the patient's home, camera serial,
 *   time), XMP, IPTC, comments, and the ICC profile after converting to sRGB;
 * - the picture is turned upright first by its EXIF orientation, so a doctor never sees a
 *   sideways phone photo once the orientation tag is gone;
 * - the whole image is decoded on the way: a file that only starts like an image (or is broken)
 *   is refused instead of being stored and shown to someone else.
 * Same format out as in (JPEG quality 90, PNG lossless, WebP quality 90). HEIC passes unchanged:
 * no HEVC decoder ships with sharp (the mini-programs' chooseImage and iOS Safari deliver JPEG).
 */
import sharp from 'sharp';
import type { FileMimeType } from '@ih/contract';

/** Phones take up to ~50 MP; more is refused rather than decoded (memory). */
const MAX_PIXELS = 60_000_000;

/** Types re-encoded here; anything else (HEIC, PDF) is stored as sent. */
const SANITIZED_TYPES: readonly FileMimeType[] = ['image/jpeg', 'image/png', 'image/webp'];

/** The clean picture, 'UNDECODABLE' for a file that is not a whole image, or null for a type left as sent. */
export async function sanitizeImage(content: Buffer, mime: FileMimeType): Promise<Buffer | 'UNDECODABLE' | null> {
  if (!SANITIZED_TYPES.includes(mime)) return null;
  try {
    const pipeline = sharp(content, { failOn: 'error', limitInputPixels: MAX_PIXELS }).rotate();
    const encoded =
      mime === 'image/jpeg' ? pipeline.jpeg({ quality: 90 }) : mime === 'image/png' ? pipeline.png({ compressionLevel: 9 }) : pipeline.webp({ quality: 90 });
    return await encoded.toBuffer();
  } catch {
    return 'UNDECODABLE';
  }
}
