// The pharmacy, in the real window: the demo's pharmacist opens Pharmacy, receives a
// supplier's delivery of paracetamol (a new batch expiring two years after the app's
// today), which the stock then shows; opens the demo's amlodipine prescription from the
// queue and gives 21 of its 28 tablets first expiry first out, so the item shows 7 left
// and the prescription stays in the queue marked partly dispensed; the 99 tablets left
// are at or below the reorder level of 100, so the pharmacist has a low-stock
// notification and the Stock tab marks amlodipine low (and the low-stock filter keeps it).

import { expect } from 'vitest';

import { unitsWord } from '../src/screens/pharmacy/pharmacy';
import { pharmacyStrings } from '../src/screens/pharmacy/strings';
import { flow, type App } from './app';
import { DEMO_BRANCH_CODE, DEMO_STOCK, DEMO_USERS } from './demo';
import { css, waitUntil, xpath, xpathLiteral } from './driver';

const t = pharmacyStrings;
const { amlodipine, paracetamol, amlodipinePatient } = DEMO_STOCK;

/** With E2E_DOC_SHOTS set to a folder, saves the README's pharmacy screenshots there. */
async function docShot(app: App, name: string): Promise<void> {
  const dir = process.env.E2E_DOC_SHOTS;
  if (dir) await app.session.screenshot(`${dir}/${name}`);
}

/** Scrolls `selector` to the top of the window, a little below its edge (for the README's
 *  screenshots). */
async function scrollTo(app: App, selector: string): Promise<void> {
  if (process.env.E2E_DOC_SHOTS) {
    const script = 'const el = document.querySelector(arguments[0]); if (el) window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16);';
    await app.session.execute(script, [selector]);
  }
}

/** `day` (YYYY-MM-DD) moved by `days` calendar days. */
function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

async function openTab(app: App, key: string): Promise<void> {
  await app.click(css(`#pharmacy-tab-${key}`));
  await app.waitFor(css(`#pharmacy-tab-${key}[aria-selected=true]`));
}

/** The dispense view's item for a drug (`data-drug` is the prescribed drug's name). */
const item = (drug: string, more = ''): string => `article.dispense section[data-drug="${drug}"]${more}`;

flow('pharmacy: receive a delivery, give part of a prescription, low stock is told', { demo: true }, async (app, step) => {
  const batch = 'PCM-E2E-1';
  let number = '';

  await step('the pharmacist opens the pharmacy at its queue', async () => {
    await app.signIn(DEMO_USERS.pharmacist);
    await app.open('pharmacy');
    await app.waitFor(css('#pharmacy-tab-queue[aria-selected=true]'));
    await app.waitFor(css('#dispense-queue tr[data-rx]'));
  });

  await step('a delivery of paracetamol is received and the stock shows its batch', async () => {
    await openTab(app, 'receive');
    await app.fill(css('#receive-supplier'), 'Riverside Pharmaceuticals Ltd');
    await app.fill(css('#receive-reference'), 'INV-E2E-1');
    await app.click(css(`#receive-item-0 option[data-label="${paracetamol.label}"]`));
    await app.fill(css('#receive-batch-0'), batch);
    // Two years after the app's today (the clinic's day, which the field carries).
    const today = await (await app.waitFor(css('#receive-expiry-0'))).attribute('data-today');
    expect(today, 'the receive form knows the clinic’s today').toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await app.fill(css('#receive-expiry-0'), shiftDay(today ?? '', 2 * 365 + 1));
    await app.fill(css('#receive-qty-0'), '200');
    await app.fill(css('#receive-cost-0'), '1.00');
    await app.fill(css('#receive-location-0'), 'Shelf P');
    await app.click(css('#receive-submit'));
    await app.status(t.received(1, 'INV-E2E-1'));

    await openTab(app, 'stock');
    await app.click(css(`button[data-expand="${paracetamol.label}"]`));
    await app.waitFor(css(`tr[data-batch="${batch}"] td[data-balance="200"]`), unitsWord(200, paracetamol.unit));
  });

  await step('the amlodipine prescription opens from the queue with 28 tablets to give', async () => {
    await openTab(app, 'queue');
    const row = `//table[@id='dispense-queue']//tr[td[contains(normalize-space(.), ${xpathLiteral(amlodipinePatient.title)})]]`;
    await app.click(xpath(`${row}//button[@data-open]`));
    const article = await app.waitFor(css('article.dispense'));
    number = (await article.attribute('data-rx')) ?? '';
    expect(number, 'the prescription has its issued number').toMatch(new RegExp(`^${DEMO_BRANCH_CODE}-`));
    await app.waitFor(css(item(amlodipine.drug, `[data-remaining="${amlodipine.prescribed}"]`)));
    const quantity = await app.waitFor(css(item(amlodipine.drug, ' input[id^="give-qty-"]')));
    expect(await quantity.property('value'), 'the quantity starts at what is left').toBe(String(amlodipine.prescribed));
    const batchChoice = await app.waitFor(css(item(amlodipine.drug, ' select[id^="give-batch-"]')));
    expect(await batchChoice.property('value'), 'first expiry first out is the default').toBe('');
  });

  await step('giving 21 leaves 7, and what was given is listed', async () => {
    await app.fill(css(item(amlodipine.drug, ' input[id^="give-qty-"]')), '21');
    await app.click(css('#dispense-submit'));
    await app.status(t.dispensedStatus(number));
    await app.waitFor(css(item(amlodipine.drug, '[data-remaining="7"][data-open="true"]')), t.leftOf(unitsWord(7, amlodipine.unit), amlodipine.prescribed));
    await app.waitFor(css(item(amlodipine.drug, ` tr[data-given="${amlodipine.batch}"]`)), unitsWord(21, amlodipine.unit));
    await scrollTo(app, 'article.dispense');
    await docShot(app, 'pharmacy-queue.png');
  });

  await step('the prescription stays in the queue, marked partly dispensed', async () => {
    await app.click(css('#dispense-back'));
    await app.waitFor(css(`#dispense-queue tr[data-rx="${number}"][data-partly="true"]`), t.partly);
  });

  await step('the pharmacist is told amlodipine is low', async () => {
    await app.click(css('button.bell'));
    await app.waitFor(css('#notifications-panel li.unread[data-kind="low_stock"]'), amlodipine.label);
    await app.click(css('button.bell'));
    await app.session.waitForCount(css('#notifications-panel'), 0);
  });

  await step('the Stock tab marks amlodipine low, with its alert, and the low filter keeps it', async () => {
    await openTab(app, 'stock');
    const low = `#stock-table tr[data-item="${amlodipine.label}"][data-low="true"]`;
    await app.waitFor(css(low), t.low);
    await app.waitFor(css(`#stock-alerts li[data-kind="low_stock"][data-item="${amlodipine.label}"]`), t.alertKinds.low_stock);
    await app.click(css(`button[data-expand="${amlodipine.label}"]`));
    await app.waitFor(css(`tr[data-batch="${amlodipine.batch}"] td[data-balance="${amlodipine.units - 21}"]`));
    await scrollTo(app, '#stock-title');
    await docShot(app, 'pharmacy-stock.png');

    await app.click(css('#stock-low'));
    await app.waitFor(css(low));
    await waitUntil('the low-stock filter to hide paracetamol', async () => app.isAbsent(css(`#stock-table tr[data-item="${paracetamol.label}"]`)));
  });
});
