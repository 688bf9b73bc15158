// The doctor's visit, in the real window: from the doctor's day, Enter opens today's
// checked-in patient; the doctor writes a SOAP note, saves a second version (the history
// compares them side by side), signs it, records vitals (an impossible value is refused
// next to its field first), finds a diagnosis by words and records it, sees the vitals
// trends drawn with points, issues a sick note (a last day before the first refused next
// to its field) and sees it in the print dialog, and completes the visit.

import { expect } from 'vitest';

import { dayStrings } from '../src/screens/day/strings';
import { diagnosesStrings } from '../src/screens/diagnoses/strings';
import { certificateStrings, documentsStrings } from '../src/screens/documents/strings';
import { noteStrings, visitStrings } from '../src/screens/encounter/strings';
import { vitalsStrings } from '../src/screens/vitals/strings';
import { flow } from './app';
import { DEMO_PATIENTS, DEMO_USERS, DIABETES } from './demo';
import { ENTER, ESCAPE, css, lead, waitUntil, xpath, xpathLiteral } from './driver';

const amani = DEMO_PATIENTS.amani;

/** `day` (YYYY-MM-DD) moved by `days` calendar days. */
function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

flow('doctor: open today’s patient, note, vitals, diagnosis, complete', { demo: true }, async (app, step) => {
  await step('the doctor’s day lists the checked-in patient, the first row chosen', async () => {
    await app.signIn(DEMO_USERS.doctor);
    await app.open('day');
    await app.heading(dayStrings.title);
    const first = await app.waitFor(css('#day-open-0'));
    expect(await first.attribute('data-patient')).toBe(amani.title);
    await waitUntil('the first row to have the focus', async () => (await app.session.focusedId()) === 'day-open-0');
  });

  await step('Enter opens the visit with the patient’s allergy warning on top', async () => {
    await app.session.press(ENTER);
    await app.heading(visitStrings.title(amani.title));
    await app.waitFor(css('.allergy-banner[role=alert]'), amani.allergy);
    await waitUntil('the note’s first section to have the focus', async () => (await app.session.focusedId()) === 'note-subjective');
  });

  await step('a SOAP note is saved, then saved again as a second version', async () => {
    await app.fill(css('#note-subjective'), 'Thirsty and tired for a month; passing water often.');
    await app.fill(css('#note-objective'), 'Looks well. Random glucose 14.2 mmol/L.');
    await app.fill(css('#note-assessment'), 'Probable type 2 diabetes.');
    await app.fill(css('#note-plan'), 'HbA1c. Diet advice.');
    await app.click(css('#note-save'));
    await app.status(noteStrings.saved(1));
    await app.fill(css('#note-plan'), 'HbA1c and kidney function. Diet advice. Review in 2 weeks.');
    await app.click(css('#note-save'));
    await app.status(noteStrings.saved(2));
  });

  await step('the history compares the two versions side by side', async () => {
    await app.waitFor(css('table.diff tr.changed td.left'), 'HbA1c. Diet advice.');
    await app.waitFor(css('table.diff tr.changed td.right'), 'Review in 2 weeks.');
  });

  await step('signing asks first, then freezes the note', async () => {
    await app.click(css('#note-sign'));
    await app.click(css('#sign-confirm'));
    await app.status(noteStrings.signedStatus);
    await app.waitFor(css('article.note.signed'), 'Review in 2 weeks.');
    await app.waitFor(xpath(`//article[contains(@class,'signed')]//button[normalize-space()=${xpathLiteral(noteStrings.addendum)}]`));
  });

  await step('an impossible pulse is refused next to its field', async () => {
    await app.click(css('#visit-tab-vitals'));
    await app.fill(css('#vitals-pulse'), '400', true);
    const error = await app.waitFor(css('#vitals-pulse-error'));
    expect(await error.text()).toContain('400');
  });

  await step('vitals are recorded and drawn as trends with points', async () => {
    const before = await app.session.count(css('svg.trend[aria-labelledby="plot-pulse-title"] circle'));
    await app.fill(css('#vitals-systolic'), '150');
    await app.fill(css('#vitals-diastolic'), '95');
    await app.fill(css('#vitals-pulse'), '88');
    await app.fill(css('#vitals-temperature-c'), '37.9');
    await app.fill(css('#vitals-weight-kg'), '88.5', true);
    await app.status(vitalsStrings.saved);
    await app.session.waitForCount(css('svg.trend[aria-labelledby="plot-pulse-title"] circle'), before + 1);
    expect(await app.session.count(css('svg.trend circle')), 'every plot has its points').toBeGreaterThan(5);
    await app.waitFor(css('svg.trend[aria-labelledby="plot-bp-title"] circle.flagged'));
  });

  await step('a diagnosis is found by words and recorded', async () => {
    await app.click(css('#visit-tab-diagnoses'));
    await app.fill(css('#diagnosis-search'), DIABETES.search);
    await app.click(xpath(`//ul[@id='diagnosis-results']/li[.//code[normalize-space()=${xpathLiteral(DIABETES.code)}]]`));
    await app.waitFor(css('.picked'), DIABETES.code);
    await app.click(css('#diagnosis-chronic'));
    await app.click(css('#diagnosis-save'));
    await app.status(lead(diagnosesStrings.saved));
    await app.waitFor(css('ul.diagnoses li'), DIABETES.code);
  });

  await step('a sick note whose last day is before its first is refused next to that field', async () => {
    await app.click(css('#visit-certificate'));
    await app.click(css(`#cert-kind option[value=sick_note]`));
    const from = String(await (await app.waitFor(css('#cert-from'))).property('value'));
    expect(from, 'the first day is today').toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await app.fill(css('#cert-until'), shiftDay(from, -1));
    await app.click(css('#cert-issue'));
    await app.waitFor(css('#cert-until-error'));
  });

  await step('the sick note is issued and opens in the print dialog', async () => {
    const from = String(await (await app.waitFor(css('#cert-from'))).property('value'));
    await app.fill(css('#cert-until'), shiftDay(from, 3));
    await app.fill(css('#cert-recommendation'), 'Rest at home; plenty of fluids.');
    await app.click(css('#cert-issue'));
    await app.documentPreview(documentsStrings.page(1, 1));
    await app.waitFor(css('#document-title'), certificateStrings.kinds.sick_note);
    await app.session.press(ESCAPE);
    await app.session.waitForCount(css('#document-dialog'), 0);
    await app.status(certificateStrings.issued('\u0000').split('\u0000')[1] ?? '');
    await waitUntil('Certificate… to have the focus again', async () => (await app.session.focusedId()) === 'visit-certificate');
  });

  await step('the visit is completed and leaves the doctor’s day', async () => {
    await app.click(css('#visit-complete'));
    await app.click(css('#complete-confirm'));
    await app.status(visitStrings.completedStatus);
    await app.open('day');
    await app.waitFor(css('main p.muted'), dayStrings.noneWaiting);
  });
});
