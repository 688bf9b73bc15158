// Pure helpers of the attachments panel, tested in attachments.test.ts.

/** A size as a person reads it: bytes, KB or MB (powers of 1,024, one decimal). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Bytes as base64, in slices so that a 25 MB file does not overflow the call stack. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const slice = 0x8000;
  for (let i = 0; i < bytes.length; i += slice) {
    binary += String.fromCharCode(...bytes.subarray(i, i + slice));
  }
  return btoa(binary);
}

/** The page a viewer moves to, kept within 1…pages. */
export function turnPage(page: number, pages: number, by: number): number {
  return Math.min(Math.max(1, page + by), Math.max(1, pages));
}
