// Billing, in the real window: the demo's past visits were completed, so each left a
// draft invoice with the doctor's consultation fee. The front desk opens Billing, opens
// one of those drafts, adds a written-out line (the total grows by it), issues it (a
// number in the branch's series appears), takes part in cash with more cash tendered and
// is shown the change due, then the rest (the amount starts at the balance): the invoice
// is paid, with a zero balance. The invoice and a receipt preview in the document dialog,
// the dashboard draws its charts, and the day's cash-up counts the cash taken and previews as
// a printable report.

import { expect } from 'vitest';

import { amountField, money } from '../src/screens/billing/billing';
import { billingStrings } from '../src/screens/billing/strings';
import { documentsStrings } from '../src/screens/documents/strings';
import { flow, type App } from './app';
import { DEMO_BRANCH_CODE, DEMO_CURRENCY, DEMO_USERS } from './demo';
import { ESCAPE, css } from './driver';

const t = billingStrings;
const kes = (minor: number): string => money(minor, DEMO_CURRENCY);

/** With E2E_DOC_SHOTS set to a folder, saves one of the README's billing screenshots there. */
async function docShot(app: App, name: string): Promise<void> {
  const dir = process.env.E2E_DOC_SHOTS;
  if (!dir) return;
  // The invoice's heading at the top of the window, a little below its edge.
  const script = 'const el = document.querySelector(arguments[0]); if (el) window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 16);';
  await app.session.execute(script, ['#invoice']);
  await app.session.screenshot(`${dir}/${name}`);
}

async function minorOf(app: App, selector: string, attribute: string): Promise<number> {
  const value = await (await app.waitFor(css(selector))).attribute(attribute);
  const minor = Number(value);
  expect(Number.isSafeInteger(minor), `${selector} carries ${attribute} in minor units (${value})`).toBe(true);
  return minor;
}

flow('billing: a visit’s draft gets a line, is issued and paid in cash with change', { demo: true }, async (app, step) => {
  const line = { description: 'Wound dressing', price: '500', minor: 50_000 };
  const part = 100_000;
  const tendered = 150_000;
  let fee = 0;
  let total = 0;

  await step('the front desk opens Billing and a past visit’s draft', async () => {
    await app.signIn(DEMO_USERS.frontDesk);
    await app.open('billing');
    const draft = '#open-invoices tr[data-visit="true"][data-state="draft"]';
    await app.waitFor(css(draft), t.draft);
    await app.click(css(`${draft} button[data-open]`));
    await app.waitFor(css('#invoice[data-state="draft"]'), t.invoiceTitle(null));
    fee = await minorOf(app, '#invoice-total', 'data-total');
    expect(fee, 'the visit’s draft carries the doctor’s fee').toBeGreaterThan(0);
  });

  await step('a written-out line is added and the total grows by it', async () => {
    await app.click(css('#line-mode-free'));
    await app.fill(css('#line-description'), line.description);
    await app.fill(css('#line-price'), line.price);
    await app.click(css('#line-add'));
    await app.status(t.lineAdded);
    await app.waitFor(css(`#invoice-lines tr[data-description="${line.description}"]`), kes(line.minor));
    total = fee + line.minor;
    await app.waitFor(css(`#invoice-total[data-total="${total}"]`), kes(total));
  });

  await step('issuing numbers it in the branch’s series', async () => {
    await app.click(css('#invoice-issue'));
    const issued = await app.waitFor(css('#invoice[data-state="issued"]'));
    const number = (await issued.attribute('data-number')) ?? '';
    expect(number, 'the issued invoice has its number').toMatch(new RegExp(`^${DEMO_BRANCH_CODE}-`));
    await app.status(t.issuedStatus(number));
    await app.waitFor(css('#invoice h2'), t.invoiceTitle(number));
    await app.waitFor(css(`#invoice-balance[data-balance="${total}"]`));
  });

  await step('part is paid in cash, more cash is tendered, and the change is shown', async () => {
    await app.fill(css('#pay-amount'), amountField(part, DEMO_CURRENCY));
    await app.fill(css('#pay-tendered'), amountField(tendered, DEMO_CURRENCY));
    await app.waitFor(css(`#pay-change[data-change="${tendered - part}"]`), t.changeDue(kes(tendered - part)));
    await app.click(css('#pay-submit'));
    await app.status(t.changeStatus(kes(tendered - part)).trim());
    await app.waitFor(css('#invoice[data-state="partially_paid"]'));
    await app.waitFor(css(`#invoice-payments span[data-change="${tendered - part}"]`), t.change(kes(tendered - part)));
    await app.waitFor(css(`#invoice-balance[data-balance="${total - part}"]`), kes(total - part));
  });

  await step('the rest is paid (the amount starts at the balance) and the invoice is paid', async () => {
    const amount = await app.waitFor(css('#pay-amount'));
    expect(await amount.property('value'), 'the next payment starts at the balance').toBe(amountField(total - part, DEMO_CURRENCY));
    await app.click(css('#pay-submit'));
    await app.waitFor(css('#invoice[data-state="paid"]'));
    await app.waitFor(css('#invoice-state'), t.states['paid']);
    await app.waitFor(css('#invoice-balance[data-balance="0"]'), kes(0));
    await app.session.waitForCount(css('#pay-submit'), 0);
    await docShot(app, 'billing-invoice.png');
  });

  await step('the invoice and the first payment’s receipt preview for printing', async () => {
    await app.click(css('#invoice-print'));
    await app.documentPreview(documentsStrings.page(1, 1));
    await app.session.press(ESCAPE);
    await app.session.waitForCount(css('#document-dialog'), 0);
    await app.click(css('#invoice-payments tr:first-child button[data-print-receipt]'));
    await app.documentPreview(documentsStrings.page(1, 1));
    await app.session.press(ESCAPE);
    await app.session.waitForCount(css('#document-dialog'), 0);
  });

  await step('the dashboard draws its series', async () => {
    await app.click(css('#billing-tab-dashboard'));
    await app.waitFor(css('#dashboard-appointments rect'));
    await app.waitFor(css('#dashboard-revenue rect'));
    await docShot(app, 'billing-dashboard.png');
  });

  await step('the day’s cash-up counts the cash taken', async () => {
    await app.click(css('#billing-tab-reports'));
    const table = await app.waitFor(css('#cash-up'), t.methods['cash']);
    expect(Number(await table.attribute('data-total')), 'the day’s takings include this invoice’s').toBeGreaterThanOrEqual(total);
  });

  await step('the cash-up prints as a report', async () => {
    await app.click(css('#cash-up-print'));
    await app.documentPreview(documentsStrings.page(1, 1));
    await docShot(app, 'billing-report.png');
    await app.session.press(ESCAPE);
    await app.session.waitForCount(css('#document-dialog'), 0);
  });
});
