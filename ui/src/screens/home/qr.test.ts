import { describe, expect, it } from 'vitest';

import { QUIET_ZONE, qrPath, qrSide } from './qr';

/** The dark cells a path paints, read back from its `M x y h w v1 h-w z` runs. */
function cells(path: string): Set<string> {
  const out = new Set<string>();
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-(\d+)z/g)) {
    const [x, y, w, back] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
    expect(back).toBe(w);
    for (let i = 0; i < w; i++) out.add(`${x + i - QUIET_ZONE},${y - QUIET_ZONE}`);
  }
  return out;
}

describe('QR drawing', () => {
  it('paints exactly the dark modules, one run per stretch of a row', () => {
    // 3x3: a full top row, a lone centre, a bottom-right corner.
    const modules = [true, true, true, false, true, false, false, false, true];
    const path = qrPath({ size: 3, modules });
    expect(path.match(/M/g)?.length).toBe(3);
    expect([...cells(path)].sort()).toEqual(['0,0', '1,0', '1,1', '2,0', '2,2']);
  });

  it('leaves a quiet zone of four light modules on every side', () => {
    expect(qrSide({ size: 21, modules: [] })).toBe(29);
    expect(qrPath({ size: 1, modules: [true] })).toBe('M4 4h1v1h-1z');
    expect(qrPath({ size: 2, modules: [false, false, false, false] })).toBe('');
  });
});
