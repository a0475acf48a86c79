// DynamoDB's JSON protocol carries binary attributes as base64. `btoa`/`atob` are the
// only base64 codecs every target runtime has (Uint8Array.fromBase64 is not in Node 20),
// and they work on "binary strings", so bytes go through String.fromCharCode in chunks
// small enough for the argument-count limit of apply().
const CHUNK = 0x8000;

/** Encodes bytes as standard base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode.apply(
      null,
      bytes.subarray(i, i + CHUNK) as unknown as number[],
    );
  }
  return btoa(binary);
}

/** Decodes standard base64 into bytes; throws a `TypeError` on malformed input. */
export function decodeBase64(text: string): Uint8Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new TypeError("Cannot decode binary attribute: not valid base64");
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
