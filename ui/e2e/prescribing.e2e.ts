// The doctor's prescribing, in the real window: from today's visit the doctor opens the
// patient's chart, whose Prescriptions section lists the demo's earlier prescriptions,
// starts a new one, finds two drugs in the catalogue that the shipped ONC table says
// interact (simvastatin, a CYP3A4-metabolised statin, with clarithromycin, a strong
// CYP3A4 inhibitor), sees the serious interaction with its advice and source, cannot
// issue until Override is chosen and a reason typed in, issues, and finds the new number
// in the chart's Prescriptions section.

import { expect } from 'vitest';

import { chartStrings } from '../src/screens/chart/strings';
import { visitStrings } from '../src/screens/encounter/strings';
import { prescriptionsStrings } from '../src/screens/prescriptions/strings';
import { flow, type App } from './app';
import { DEMO_PATIENTS, DEMO_USERS, INTERACTING_DRUGS } from './demo';
import { ENTER, css, lead, waitUntil } from './driver';

const amani = DEMO_PATIENTS.amani;
const t = prescriptionsStrings;

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
    const number = (await (await app.waitFor(css('#rx-number'))).text()).trim();
    expect(number, 'numbered by branch, device and counter').toMatch(/^BR01-/);
    await app.waitFor(css('#rx-detail'), 'Statin paused for the week');
    const row = await app.waitFor(css(`table.prescriptions tr[data-rx-number="${number}"]`));
    expect(await row.attribute('data-status')).toBe('issued');
    expect(await row.text()).toContain(INTERACTING_DRUGS.statin.name);
  });
});
