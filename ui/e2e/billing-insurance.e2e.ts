// Billing with insurance, in the real window: the front desk adds a payer, drafts a
// walk-in invoice for a patient found by name, bills a written-out line and issues it,
// adds the patient's policy (80 % cover) and makes a claim, which shows the payer's and
// the patient's shares; the claim is submitted, the payer's partial approval recorded
// with its note, then its payment, which the invoice shows as an insurance payment
// leaving the patient's part to pay; the claims list has it as paid, and the patient's
// profile lists the invoice, which opens in Billing.

import { amountField } from '../src/screens/billing/billing';
import { billingStrings } from '../src/screens/billing/strings';
import { flow } from './app';
import { DEMO_CURRENCY, DEMO_PATIENTS, DEMO_USERS } from './demo';
import { ENTER, css } from './driver';

const t = billingStrings;
const amani = DEMO_PATIENTS.amani;

flow('billing: an insurance claim from policy to the payer’s payment', { demo: true }, async (app, step) => {
  const price = 1_000_000;
  const approved = 700_000;

  await step('the front desk adds a payer', async () => {
    await app.signIn(DEMO_USERS.frontDesk);
    await app.open('billing');
    await app.click(css('#billing-tab-claims'));
    await app.fill(css('#payer-code'), 'NHIF');
    await app.fill(css('#payer-name'), 'National Health Insurance');
    await app.click(css('#payer-save'));
    await app.status(t.payerSaved('NHIF'));
    await app.waitFor(css('#payers li[data-payer="NHIF"]'));
  });

  await step('a walk-in invoice for a patient found by name is billed and issued', async () => {
    await app.click(css('#billing-tab-invoices'));
    await app.fill(css('#new-invoice-search'), amani.search);
    await app.click(css('#new-invoice-matches button[data-patient]'), amani.title);
    await app.waitFor(css('#new-invoice-patient'), amani.title);
    await app.click(css('#new-invoice-create'));
    await app.waitFor(css('#invoice[data-state="draft"]'), amani.title);
    await app.click(css('#line-mode-free'));
    await app.fill(css('#line-description'), 'Minor surgery');
    await app.fill(css('#line-price'), amountField(price, DEMO_CURRENCY));
    await app.click(css('#line-add'));
    await app.waitFor(css(`#invoice-total[data-total="${price}"]`));
    await app.click(css('#invoice-issue'));
    await app.waitFor(css('#invoice[data-state="issued"]'));
  });

  await step('the patient’s policy is added and a claim for its 80 % made', async () => {
    await app.click(css('#policy-add-open'));
    await app.click(css('#policy-payer option[value="NHIF"]'));
    await app.fill(css('#policy-number'), 'NHIF-0042');
    await app.fill(css('#policy-coverage'), '80');
    await app.click(css('#policy-save'));
    await app.status(t.policyAdded);
    await app.click(css('#claim-create'));
    await app.waitFor(css('#claim[data-status="draft"]'));
    await app.waitFor(css(`#insurer-share[data-minor="${price * 0.8}"]`));
    await app.waitFor(css(`#patient-share[data-minor="${price * 0.2}"]`));
  });

  await step('the claim is submitted, partly approved, and paid by the payer', async () => {
    await app.click(css('#claim-submit'));
    await app.waitFor(css('#claim[data-status="submitted"]'));
    await app.fill(css('#claim-approved'), amountField(approved, DEMO_CURRENCY));
    await app.fill(css('#claim-note'), 'dressing not covered');
    await app.click(css('#claim-decide'));
    await app.waitFor(css('#claim[data-status="partly_approved"]'), 'dressing not covered');
    await app.fill(css('#claim-reference'), 'EFT-77');
    await app.click(css('#claim-paid'));
    await app.waitFor(css('#invoice[data-state="partially_paid"]'));
    await app.waitFor(css(`#invoice-balance[data-balance="${price - approved}"]`));
    await app.waitFor(css(`#invoice-payments tr[data-amount="${approved}"]`), t.methods['insurance']);
    await app.waitFor(css('#claim[data-status="paid"]'));
  });

  await step('the claims list has it as paid', async () => {
    await app.click(css('#billing-tab-claims'));
    await app.waitFor(css('#claims tr[data-status="paid"]'), t.claimStates['paid']);
  });

  await step('the patient’s profile lists the invoice, which opens in Billing', async () => {
    await app.open('patients');
    await app.fill(css('#patient-search'), amani.search);
    await app.waitFor(css('[role=option] .name'), amani.listed);
    await (await app.waitFor(css('#patient-search'))).type(ENTER);
    await app.heading(amani.title);
    await app.click(css('#patient-invoices tr[data-state="partially_paid"] button'));
    await app.waitFor(css(`#invoice[data-state="partially_paid"][data-balance="${price - approved}"]`), amani.title);
  });
});
