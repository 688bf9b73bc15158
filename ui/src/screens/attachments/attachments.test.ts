import { describe, expect, it } from 'vitest';

import { formatSize, toBase64, turnPage } from './attachments';

describe('the attachments panel', () => {
  it('shows sizes in bytes, KB or MB', () => {
    expect(formatSize(900)).toBe('900 B');
    expect(formatSize(2048)).toBe('2.0 KB');
    expect(formatSize(20 * 1024 * 1024)).toBe('20.0 MB');
  });

  it('encodes a file of any size as base64, the same as the platform does for a small one', () => {
    const small = new TextEncoder().encode('%PDF-1.4 hello');
    expect(toBase64(small)).toBe(btoa('%PDF-1.4 hello'));
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    const decoded = Uint8Array.from(atob(toBase64(big)), (c) => c.charCodeAt(0));
    expect(decoded).toEqual(big);
  });

  it('turns pages within the document', () => {
    expect(turnPage(1, 3, -1)).toBe(1);
    expect(turnPage(2, 3, 1)).toBe(3);
    expect(turnPage(3, 3, 1)).toBe(3);
    expect(turnPage(1, 0, 1)).toBe(1);
  });
});
