import { describe, expect, it } from 'vitest';

import {
  certificateInput,
  initialPrinter,
  offersReplace,
  pageForKey,
  parseCopies,
  printable,
  printedStatus,
  savedStatus,
  turnPage,
} from './documents';
import { documentsStrings as t } from './strings';

describe('copies', () => {
  it('takes a whole number from 1 to 99, spaces around it allowed', () => {
    expect(parseCopies('1')).toEqual({ copies: 1 });
    expect(parseCopies(' 3 ')).toEqual({ copies: 3 });
    expect(parseCopies('99')).toEqual({ copies: 99 });
  });

  it('refuses none, too many, fractions and words, saying which', () => {
    expect(parseCopies('0')).toEqual({ error: t.copiesRange });
    expect(parseCopies('100')).toEqual({ error: t.copiesRange });
    expect(parseCopies('')).toEqual({ error: t.copiesWhole });
    expect(parseCopies('2.5')).toEqual({ error: t.copiesWhole });
    expect(parseCopies('-1')).toEqual({ error: t.copiesWhole });
    expect(parseCopies('two')).toEqual({ error: t.copiesWhole });
  });
});

describe('turning pages', () => {
  it('stays within the document', () => {
    expect(turnPage(1, 3, -1)).toBe(1);
    expect(turnPage(2, 3, 1)).toBe(3);
    expect(turnPage(3, 3, 1)).toBe(3);
    expect(turnPage(1, 0, 1)).toBe(1);
  });

  it('turns with Page Up and Page Down anywhere in the dialog', () => {
    expect(pageForKey('PageDown', 1, 3, false)).toBe(2);
    expect(pageForKey('PageUp', 3, 3, false)).toBe(2);
  });

  it('turns with the arrows, Home and End only on the preview, so fields keep their keys', () => {
    expect(pageForKey('ArrowRight', 1, 3, true)).toBe(2);
    expect(pageForKey('ArrowLeft', 2, 3, true)).toBe(1);
    expect(pageForKey('End', 1, 3, true)).toBe(3);
    expect(pageForKey('Home', 3, 3, true)).toBe(1);
    expect(pageForKey('ArrowRight', 1, 3, false)).toBeNull();
    expect(pageForKey('Home', 3, 3, false)).toBeNull();
  });

  it('does nothing past either end or for other keys (no reload of the same page)', () => {
    expect(pageForKey('PageDown', 3, 3, true)).toBeNull();
    expect(pageForKey('PageUp', 1, 3, true)).toBeNull();
    expect(pageForKey('PageDown', 1, 1, true)).toBeNull();
    expect(pageForKey('Enter', 1, 3, true)).toBeNull();
  });
});

describe('the printer offered first', () => {
  it('is the shell’s preferred one when it is listed', () => {
    expect(initialPrinter(['Front', 'PDF'], 'PDF')).toBe('PDF');
  });

  it('is the first listed when the preferred one is gone or none is preferred', () => {
    expect(initialPrinter(['Front', 'PDF'], 'Old')).toBe('Front');
    expect(initialPrinter(['Front'], null)).toBe('Front');
  });

  it('is none when there are no printers', () => {
    expect(initialPrinter([], null)).toBe('');
  });
});

describe('status lines', () => {
  it('names the printer and the job', () => {
    expect(printedStatus({ printer: 'PDF', job: 'PDF-12' })).toBe('Sent to PDF (job PDF-12)');
    expect(printedStatus({ printer: 'PDF', job: 7 })).toBe('Sent to PDF (job 7)');
  });

  it('names the printer alone when the printing system gave no job id', () => {
    expect(printedStatus({ printer: 'Front', job: '' })).toBe('Sent to Front');
    expect(printedStatus({ printer: 'Front', job: null })).toBe('Sent to Front');
  });

  it('says where the PDF went', () => {
    expect(savedStatus({ path: '/home/dr/Documents/rx.pdf' })).toBe('Saved to /home/dr/Documents/rx.pdf');
  });
});

describe('replacing a saved file', () => {
  const exists = { code: 'validation', field: 'file_name', message: '/tmp/rx.pdf already exists; choose another name, or replace it' } as const;

  it('is offered when the file already exists', () => {
    expect(offersReplace(exists)).toBe(true);
  });

  it('is not offered for other refusals, even on the same field', () => {
    expect(offersReplace({ ...exists, message: 'type a name for the file' })).toBe(false);
    expect(offersReplace({ ...exists, field: 'folder' })).toBe(false);
    expect(offersReplace({ ...exists, code: 'internal', field: null })).toBe(false);
  });
});

describe('what can be printed from the chart', () => {
  it('is an active PDF attachment', () => {
    expect(printable({ mime: 'application/pdf', archived: false })).toBe(true);
    expect(printable({ mime: 'application/pdf', archived: true })).toBe(false);
    expect(printable({ mime: 'image/png', archived: false })).toBe(false);
  });
});

describe('the certificate form', () => {
  it('sends a sick note with its last day, trimmed', () => {
    expect(certificateInput({ kind: 'sick_note', from: ' 2026-03-02 ', until: '2026-03-06 ', recommendation: ' Rest. ' })).toEqual({
      kind: 'sick_note',
      from: '2026-03-02',
      until: '2026-03-06',
      recommendation: 'Rest.',
    });
  });

  it('sends no last day for fitness to work, or when none was typed', () => {
    expect(certificateInput({ kind: 'fitness_to_work', from: '2026-03-09', until: '2026-03-06', recommendation: '' }).until).toBeNull();
    expect(certificateInput({ kind: 'sick_note', from: '2026-03-02', until: '  ', recommendation: '' }).until).toBeNull();
  });
});
