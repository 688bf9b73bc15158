// Drawing a QR code's module matrix (made by the shell) as one SVG path.

import type { QrMatrix } from './api';

/** Light modules around the code, as the QR standard asks for scanners to find it. */
export const QUIET_ZONE = 4;

/**
 * An SVG path of the dark modules, one rectangle per horizontal run, in module units and
 * offset by the quiet zone. Runs keep the path short and leave no hairline gaps between
 * neighbouring modules when the browser scales it.
 */
export function qrPath(qr: QrMatrix): string {
  const parts: string[] = [];
  for (let y = 0; y < qr.size; y++) {
    let x = 0;
    while (x < qr.size) {
      if (!qr.modules[y * qr.size + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < qr.size && qr.modules[y * qr.size + x]) x++;
      parts.push(`M${start + QUIET_ZONE} ${y + QUIET_ZONE}h${x - start}v1h-${x - start}z`);
    }
  }
  return parts.join('');
}

/** The SVG view box side: the code and its quiet zone on both sides. */
export function qrSide(qr: QrMatrix): number {
  return qr.size + 2 * QUIET_ZONE;
}
