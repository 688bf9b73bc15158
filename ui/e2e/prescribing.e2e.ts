// The doctor's prescribing, in the real window: from today's visit the doctor opens the
// patient's chart, whose Prescriptions section lists the demo's earlier prescriptions,
// starts a new one, finds two drugs in the catalogue that the shipped ONC table says
// interact (simvastatin, a CYP3A4-metabolised statin, with clarithromycin, a strong
// CYP3A4 inhibitor), sees the serious interaction with its advice and source, cannot
// issue until Override is chosen and a reason typed in, issues, and finds the new number
// in the chart's Prescriptions section. Then Print…: the preview of its one page, saved as
// a PDF into a folder (pdftotext finds the number in it; saving again offers Replace),
// printed on the cups-pdf queue (its job is the prescription and its page looks like the
// saved one), and Escape gives the focus back; the demo's scanned letter, a PDF in the
// chart's attachments, opens in the same dialog. The print needs CUPS with that queue:
// `source scripts/lib.sh && ensure_cups_pdf_queue` sets it up and exports
// CLINIC_TEST_CUPS_PDF_QUEUE and CLINIC_TEST_CUPS_PDF_OUT, which this flow reads.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { expect, onTestFinished } from 'vitest';

import { chartStrings } from '../src/screens/chart/strings';
import { visitStrings } from '../src/screens/encounter/strings';
import { documentsStrings } from '../src/screens/documents/strings';
import { prescriptionsStrings } from '../src/screens/prescriptions/strings';
import { flow, type App } from './app';
import { DEMO_PATIENTS, DEMO_USERS, INTERACTING_DRUGS } from './demo';
import { ENTER, ESCAPE, css, lead, waitUntil } from './driver';

const amani = DEMO_PATIENTS.amani;
const t = prescriptionsStrings;
const dt = documentsStrings;

/** The cups-pdf queue and the folder it writes each job's PDF to (see the top of this file). */
const PDF_QUEUE = process.env['CLINIC_TEST_CUPS_PDF_QUEUE'] ?? 'PDF';
function pdfOut(): string {
  const out = process.env['CLINIC_TEST_CUPS_PDF_OUT'];
  if (!out) throw new Error('CLINIC_TEST_CUPS_PDF_OUT is not set: run `source scripts/lib.sh && ensure_cups_pdf_queue` before the flows');
  return out;
}

/** The PDFs in a folder, by name, with their modification times (none when it is missing). */
async function pdfsIn(folder: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const name of await readdir(folder).catch(() => [] as string[])) {
    if (!name.toLowerCase().endsWith('.pdf')) continue;
    const info = await stat(join(folder, name)).catch(() => null);
    if (info) found.set(name, info.mtimeMs);
  }
  return found;
}

/** The text of a PDF, as poppler's pdftotext reads it. */
async function pdfText(path: string): Promise<string> {
  const { stdout } = await promisify(execFile)('pdftotext', ['-layout', path, '-'], { timeout: 30_000 });
  return stdout;
}

/** Page 1 of a PDF in grey at 40 dpi, as poppler's pdftoppm draws it (a binary PGM). */
async function greyPage(path: string): Promise<{ width: number; height: number; pixels: Buffer }> {
  const { stdout } = await promisify(execFile)('pdftoppm', ['-r', '40', '-gray', '-singlefile', '-f', '1', '-l', '1', path], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 30_000,
  });
  // "P5\n<width> <height>\n255\n" then one byte per pixel.
  const header = stdout.subarray(0, 64).toString('latin1').match(/^P5\s+(\d+)\s+(\d+)\s+255\s/);
  if (!header) throw new Error(`pdftoppm did not draw ${path} as a PGM`);
  return { width: Number(header[1]), height: Number(header[2]), pixels: stdout.subarray(header[0].length) };
}

/** The mean grey-level difference of two pictures of the same size. */
function meanDifference(a: { pixels: Buffer }, b: { pixels: Buffer }): number {
  let sum = 0;
  for (let i = 0; i < a.pixels.length; i++) sum += Math.abs((a.pixels[i] ?? 0) - (b.pixels[i] ?? 255));
  return sum / a.pixels.length;
}

/** How far a picture is from a blank page (its mean ink). */
function ink(a: { pixels: Buffer }): number {
  let sum = 0;
  for (const p of a.pixels) sum += 255 - p;
  return sum / a.pixels.length;
}

/** The part of a two-argument format before its second argument. */
const upTo = (format: (a: string, b: string) => string, a: string): string => format(a, '\u0000').split('\u0000')[0] ?? '';

async function addDrug(app: App, drug: { name: string; strength: string; dose: string; frequency: string; days: string; quantity: string }): Promise<void> {
  await app.fill(css('#rx-drug-search'), drug.name);
  await app.click(css(`#rx-drug-results li[data-drug="${drug.name}"]`));
  await app.fill(css('#rx-strength'), drug.strength);
  await app.fill(css('#rx-dose'), drug.dose);
  await app.fill(css('#rx-frequency'), drug.frequency);
  await app.fill(css('#rx-days'), drug.days);
  await app.click(css('#rx-add-item'));
  await app.status(t.added(drug.name));
  // The quantity the core computed from dose × frequency × days went with the item.
  await app.waitFor(css('#rx-items'), t.quantityShort(drug.quantity));
}

flow('doctor: prescribe two interacting drugs, override with a reason, issue', { demo: true }, async (app, step) => {
  /** The issued prescription's number, for the printed and saved copies. */
  let number = '';
  /** Where Save as PDF wrote it, to compare the printed copy with. */
  let saved = '';

  await step('the chart of today’s patient lists her earlier prescriptions', async () => {
    await app.signIn(DEMO_USERS.doctor);
    await app.open('day');
    await app.waitFor(css('#day-open-0'));
    await waitUntil('the first row to have the focus', async () => (await app.session.focusedId()) === 'day-open-0');
    await app.session.press(ENTER);
    await app.heading(visitStrings.title(amani.title));
    await app.click(css('.page-header button.secondary'), visitStrings.openChart);
    await app.heading(amani.title);
    await app.click(css('#chart-tab-prescriptions'), chartStrings.tabs.prescriptions);
    await app.waitFor(css('table.prescriptions tr[data-status="issued"]'));
  });

  await step('a new prescription is started', async () => {
    await app.click(css('#rx-new'));
    await app.click(css('#rx-start'));
    await app.waitFor(css('#rx-drug-search'));
  });

  await step('two catalogue drugs are added, each with the core’s quantity', async () => {
    await addDrug(app, INTERACTING_DRUGS.statin);
    await addDrug(app, INTERACTING_DRUGS.inhibitor);
  });

  await step('the checks show the serious interaction with its advice and source', async () => {
    const warning = await app.waitFor(css('#rx-warnings li[data-kind="interaction"][data-severity="serious"]'), INTERACTING_DRUGS.statin.name);
    const text = await warning.text();
    expect(text).toContain(INTERACTING_DRUGS.inhibitor.name);
    expect(text).toContain(t.advice);
    expect(text).toContain(INTERACTING_DRUGS.source);
  });

  await step('Issue stays disabled until Override is chosen and a reason typed in', async () => {
    const issue = await app.waitFor(css('#rx-issue'));
    expect(await issue.enabled(), 'a serious warning blocks issuing').toBe(false);
    await app.click(css('#rx-override'));
    await app.waitFor(css('#rx-override-reason'));
    expect(await (await app.waitFor(css('#rx-issue'))).enabled(), 'Override chosen, no reason yet').toBe(false);
    await app.fill(css('#rx-override-reason'), 'Statin paused for the week of the antibiotic; patient told.');
    await waitUntil('Issue to be enabled', async () => (await (await app.waitFor(css('#rx-issue'))).enabled()) || undefined);
  });

  await step('issuing shows the number, and the chart’s list has it', async () => {
    await app.click(css('#rx-issue'));
    await app.status(lead(t.issued));
    number = (await (await app.waitFor(css('#rx-number'))).text()).trim();
    expect(number, 'numbered by branch, device and counter').toMatch(/^BR01-/);
    await app.waitFor(css('#rx-detail'), 'Statin paused for the week');
    const row = await app.waitFor(css(`table.prescriptions tr[data-rx-number="${number}"]`));
    expect(await row.attribute('data-status')).toBe('issued');
    expect(await row.text()).toContain(INTERACTING_DRUGS.statin.name);
  });

  await step('Print… previews the prescription’s one page', async () => {
    await app.click(css('#rx-print'));
    await app.documentPreview(dt.page(1, 1));
    await app.waitFor(css('#document-title'), number);
  });

  await step('Save as PDF writes the file, and Replace is offered before writing over it', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'clinic-e2e-save-'));
    onTestFinished(() => rm(folder, { recursive: true, force: true }));
    await app.fill(css('#save-folder'), folder);
    const name = String(await (await app.waitFor(css('#save-file-name'))).property('value'));
    expect(name, 'the name offered for the PDF').toMatch(/\.pdf$/);
    saved = join(folder, name);
    await app.click(css('#save-submit'));
    await app.waitFor(css('#save-status'), dt.saved(saved));
    const bytes = await readFile(saved);
    expect(bytes.subarray(0, 5).toString('latin1'), 'a PDF file').toBe('%PDF-');
    expect(await pdfText(saved), 'the saved PDF is the prescription').toContain(number);
    await app.click(css('#save-submit'));
    await app.waitFor(css('#save-file-name-error'), 'already exists');
    await app.click(css('#save-replace'));
    await app.waitFor(css('#save-status'), dt.saved(saved));
  });

  await step('printing on the PDF queue reports the job, and the prescription comes out', async () => {
    const out = pdfOut();
    const before = await pdfsIn(out);
    await app.click(css(`#print-printer option[value="${PDF_QUEUE}"]`));
    await app.fill(css('#print-copies'), '1');
    await app.click(css('#print-submit'));
    const sent = await app.waitFor(css('#print-status'), upTo(dt.sent, PDF_QUEUE));
    expect(await sent.text(), 'the job id the printing system gave').not.toBe(dt.sentNoJob(PDF_QUEUE));
    // cups-pdf writes the file a moment after the job is queued: wait for a new PDF whose
    // size has settled.
    let previousSize = -1;
    const printed = await waitUntil(
      `a new PDF in ${out}`,
      async () => {
        const now = await pdfsIn(out);
        const path = [...now].filter(([name, mtime]) => before.get(name) !== mtime).map(([name]) => join(out, name))[0];
        if (path === undefined) return undefined;
        const size = (await stat(path)).size;
        const settled = size > 0 && size === previousSize;
        previousSize = size;
        return settled ? path : undefined;
      },
      90_000,
    );
    onTestFinished(() => rm(printed, { force: true }));
    // cups-pdf names the file after the job's title, the document's title with its number.
    expect(printed, 'the job is the prescription').toContain(number);
    const text = await pdfText(printed);
    if (!text.includes(number)) {
      // cups-pdf's PostScript step redraws the glyphs as Type 3 fonts without a text
      // layer, so pdftotext cannot read the printed copy: compare its page as a picture
      // with the saved one instead (whose text pdftotext read above).
      const want = await greyPage(saved);
      const got = await greyPage(printed);
      expect([got.width, got.height], 'the same paper size comes out').toEqual([want.width, want.height]);
      // Against a blank page the difference is all the ink; the printed page (its glyphs
      // redrawn, so edges differ) must be at most half as far.
      expect(meanDifference(want, got) * 2, 'the printed page looks like the prescription').toBeLessThan(ink(want));
    }
  });

  await step('Escape closes the dialog and gives the focus back to Print…', async () => {
    await app.session.press(ESCAPE);
    await app.session.waitForCount(css('#document-dialog'), 0);
    await waitUntil('Print… to have the focus again', async () => (await app.session.focusedId()) === 'rx-print');
  });

  await step('a PDF in the chart’s attachments opens in the same dialog, and Close gives the focus back', async () => {
    await app.click(css('#chart-tab-attachments'), chartStrings.tabs.attachments);
    // The demo filed a one-page scanned letter (a PDF) for this patient.
    const print = await app.waitFor(css('.attachments button.print'));
    const id = await print.attribute('id');
    await print.click();
    await app.documentPreview(dt.page(1, 1));
    await app.click(css('#document-close'));
    await app.session.waitForCount(css('#document-dialog'), 0);
    await waitUntil('the attachment’s Print… to have the focus again', async () => (await app.session.focusedId()) === id);
  });
});
