/** Width and height an image file declares in its header. */
export interface DeclaredSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Reads the pixel size from a PNG, JPEG, BMP, GIF or TIFF header without decoding
 * anything, or `undefined` for other formats and headers too short to say.
 * Decoders allocate width × height × 4 bytes up front, so a damaged or hostile
 * header must be checked before they run.
 */
export function declaredSize(bytes: Uint8Array): DeclaredSize | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  // PNG: signature, then the IHDR chunk: length, "IHDR", width, height (big-endian).
  if (bytes.length >= 24 && bytes[0] === 0x89 && ascii(1, 4) === "PNG" && ascii(12, 16) === "IHDR")
    return { width: view.getUint32(16), height: view.getUint32(20) };
  if (bytes.length >= 26 && ascii(0, 2) === "BM")
    return { width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) };
  if (bytes.length >= 10 && ascii(0, 4) === "GIF8")
    return { width: view.getUint16(6, true), height: view.getUint16(8, true) };
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes, view);
  if (bytes.length >= 8 && (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*"))
    return tiffSize(view, ascii(0, 2) === "II");
  return undefined;
}

// Reads ImageWidth (tag 256) and ImageLength (tag 257) from the first image
// file directory: 12-byte entries of tag, type (3 SHORT, 4 LONG), count, value.
function tiffSize(view: DataView, little: boolean): DeclaredSize | undefined {
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > view.byteLength) return undefined;
  const entries = view.getUint16(ifd, little);
  let width: number | undefined;
  let height: number | undefined;
  for (let i = 0; i < entries; i++) {
    const at = ifd + 2 + 12 * i;
    if (at + 12 > view.byteLength) break;
    const tag = view.getUint16(at, little);
    if (tag !== 256 && tag !== 257) continue;
    const type = view.getUint16(at + 2, little);
    const value = type === 3 ? view.getUint16(at + 8, little) : view.getUint32(at + 8, little);
    if (tag === 256) width = value;
    else height = value;
  }
  return width === undefined || height === undefined ? undefined : { width, height };
}

// Walks the JPEG segments up to the first start-of-frame marker (SOF0–SOF15 but DHT, JPG, DAC).
function jpegSize(bytes: Uint8Array, view: DataView): DeclaredSize | undefined {
  let at = 2;
  while (at + 9 <= bytes.length && bytes[at] === 0xff) {
    const code = bytes[at + 1] ?? 0;
    if (code >= 0xc0 && code <= 0xcf && code !== 0xc4 && code !== 0xc8 && code !== 0xcc)
      return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    if (code === 0xda) return undefined;
    at += 2 + view.getUint16(at + 2);
  }
  return undefined;
}
