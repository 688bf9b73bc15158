// The laboratory, in the real window: from today's visit the doctor opens the patient's
// chart and orders potassium and haemoglobin in its Lab section; the lab technician opens
// the worklist, collects a sample (its label previews in the document dialog), opens it
// again by typing its number in the scan box and Enter (as a barcode scanner does), and
// enters a high haemoglobin and a critical potassium, each shown with the core's flag,
// and cannot verify her own results; a second lab technician verifies both; the doctor has
// the critical-result notification and sees the flags, verified, in the chart.

import { expect } from 'vitest';

import { chartStrings } from '../src/screens/chart/strings';
import { visitStrings } from '../src/screens/encounter/strings';
import { documentsStrings } from '../src/screens/documents/strings';
import { labStrings } from '../src/screens/lab/strings';
import { flow, type App } from './app';
import { DEMO_PATIENTS, DEMO_USERS, LAB_TESTS } from './demo';
import { ENTER, ESCAPE, css, waitUntil } from './driver';

/** With E2E_DOC_SHOTS set to a folder, saves the README's lab screenshots there. */
async function docShot(app: App, name: string): Promise<void> {
  const dir = process.env.E2E_DOC_SHOTS;
  if (dir) await app.session.screenshot(`${dir}/${name}`);
}

const amani = DEMO_PATIENTS.amani;
const t = labStrings;
const { haemoglobin, potassium } = LAB_TESTS;

async function openChartLab(app: App): Promise<void> {
  await app.open('day');
  await app.waitFor(css('#day-open-0'));
  await waitUntil('the first row to have the focus', async () => (await app.session.focusedId()) === 'day-open-0');
  await app.session.press(ENTER);
  await app.heading(visitStrings.title(amani.title));
  await app.click(css('.page-header button.secondary'), visitStrings.openChart);
  await app.heading(amani.title);
  await app.click(css('#chart-tab-lab'), chartStrings.tabs.lab);
}

/** Opens a sample by typing its number in the scan box and Enter. */
async function scan(app: App, sample: string, order: string): Promise<void> {
  await app.open('lab');
  await app.fill(css('#lab-scan'), sample, true);
  await app.waitFor(css('#lab-order-title'), order);
}

flow('lab: a doctor orders, the lab enters a critical value, a second technician verifies', { demo: true }, async (app, step) => {
  let order = '';
  let sample = '';

  await step('the doctor orders potassium and haemoglobin from the chart', async () => {
    await app.signIn(DEMO_USERS.doctor);
    await openChartLab(app);
    await app.click(css('#lab-new'));
    for (const test of [potassium, haemoglobin]) {
      await app.fill(css('#lab-filter'), test.code);
      await app.click(css(`input[type=checkbox][data-code="${test.code}"]`));
    }
    await app.click(css('#lab-place'));
    const ordered = t.ordered('\u0000').split('\u0000')[0] ?? '';
    const status = await app.waitFor(css('[role=status]'), ordered);
    order = (await status.text()).replace(ordered, '').replace(/\.$/, '').trim();
    expect(order, 'the core numbers the order').toMatch(/^L-/);
    await app.waitFor(css(`article[data-order="${order}"] tr[data-test="${potassium.code}"]`), t.pending);
    await app.signOut();
  });

  await step('the lab technician collects a sample from the worklist and previews its label', async () => {
    await app.signIn(DEMO_USERS.lab);
    await app.open('lab');
    await app.click(css(`button[data-open="${order}"]`));
    await app.click(css('#lab-collect'));
    const number = await app.waitFor(css('#lab-sample-number'), t.sample(''));
    sample = (await number.text()).replace(t.sample(''), '').trim();
    expect(sample, 'the core numbers the sample').toMatch(/^S-/);
    await app.click(css('#lab-label'));
    await app.documentPreview(documentsStrings.page(1, 1));
    await app.session.press(ESCAPE);
    await app.session.waitForCount(css('#document-dialog'), 0);
  });

  await step('the scanned number opens the sample; a high and a critical value are flagged', async () => {
    await app.click(css('#lab-back'));
    await scan(app, sample.toLowerCase(), order);
    for (const test of [haemoglobin, potassium]) {
      await app.fill(css(`#lab-value-${test.code}`), test.value, true);
      await app.waitFor(css(`tr[data-test="${test.code}"] td.flag[data-flag="${test.flag}"]`), test.value);
    }
    await app.waitFor(css(`tr[data-test="${potassium.code}"]`), t.enteredByYou);
    expect(await app.isAbsent(css(`#lab-verify-${potassium.code}`)), 'nobody verifies their own result').toBe(true);
    await docShot(app, 'lab-worklist.png');
    await app.signOut();
  });

  await step('a second lab technician verifies both', async () => {
    await app.signIn(DEMO_USERS.labSecond);
    await scan(app, sample, order);
    for (const test of [potassium, haemoglobin]) {
      await app.click(css(`#lab-verify-${test.code}`));
      await app.status(t.verified(test.name));
    }
    await app.signOut();
  });

  await step('the doctor has the critical-result notification and sees the flags, verified', async () => {
    await app.signIn(DEMO_USERS.doctor);
    await app.click(css('button.bell'));
    await app.waitFor(css('#notifications-panel li.unread'), `${potassium.name} ${potassium.value}`);
    await app.click(css('button.bell'));
    await openChartLab(app);
    const row = `article[data-order="${order}"] tr[data-test="${potassium.code}"]`;
    await app.waitFor(css(`${row} td.flag[data-flag="${potassium.flag}"]`), t.flags.critical_high);
    await app.waitFor(css(row), t.verifiedBy(''));
    await app.waitFor(css(`article[data-order="${order}"] tr[data-test="${haemoglobin.code}"] td.flag[data-flag="${haemoglobin.flag}"]`));
    if (process.env.E2E_DOC_SHOTS) {
      await app.session.execute(`document.querySelector('article[data-order="${order}"]')?.scrollIntoView({ block: 'start' });`);
    }
    await docShot(app, 'lab-results.png');
  });
});
