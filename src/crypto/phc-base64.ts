/** Standard base64 without padding, as PHC strings write it. */
export function encodeBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");
}

/** Reads base64 with or without padding; undefined when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const unpadded = text.replace(/=+$/, "");
  // A length of 1 mod 4 can't come from base64.
  if (unpadded.length % 4 === 1) return undefined;
  try {
    const binary = atob(unpadded.padEnd(Math.ceil(unpadded.length / 4) * 4, "="));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}
