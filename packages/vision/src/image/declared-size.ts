/** Width and height an image file declares in its header. */
export interface DeclaredSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Reads the pixel size from a PNG, JPEG, BMP or GIF header without decoding
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
  return undefined;
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
