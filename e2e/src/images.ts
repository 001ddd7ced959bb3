/** Pictures for the upload steps: a real PNG of one colour (the BFF decodes every uploaded photo). */
import sharp from 'sharp';

export function solidPng(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } })
    .png()
    .toBuffer();
}
