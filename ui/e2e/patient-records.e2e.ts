// Patient records an administrator looks after: archiving one (a reason is required) and
// merging a duplicate into another, then undoing the merge.

import { mergeStrings, profileStrings } from '../src/screens/patients/strings';
import { flow, type App } from './app';
import { DEMO_PATIENTS, DEMO_USERS } from './demo';
import { ENTER, button, css, lead, xpath } from './driver';

async function openRecord(app: App, patient: { search: string; listed: string; title: string }): Promise<void> {
  await app.open('patients');
  await app.fill(css('#patient-search'), patient.search);
  await app.waitFor(css('[role=option] .name'), patient.listed);
  await (await app.waitFor(css('#patient-search'))).type(ENTER);
  await app.heading(patient.title);
}

flow('administration: archive a record, merge a duplicate and undo it', { demo: true }, async (app, step) => {
  await step('the administrator opens a record', async () => {
    await app.signIn(DEMO_USERS.admin);
    await openRecord(app, DEMO_PATIENTS.anne);
  });

  await step('archiving asks for a reason, then archives', async () => {
    await app.click(button(profileStrings.archive));
    await app.fill(css('#archive-reason'), '', true);
    await app.waitFor(css('#archive-error'));
    await app.fill(css('#archive-reason'), 'Registered twice by mistake', true);
    await app.waitFor(css('.archived'), profileStrings.archived);
  });

  await step('a duplicate is merged into a record', async () => {
    await openRecord(app, DEMO_PATIENTS.wanjiku);
    await app.click(button(mergeStrings.start));
    await app.fill(css('#merge-search'), DEMO_PATIENTS.amani.search);
    await app.waitFor(css('#merge-search-results [role=option] .name'), DEMO_PATIENTS.amani.listed);
    await (await app.waitFor(css('#merge-search'))).type(ENTER);
    await app.click(css('#merge-confirm'));
    await app.status(lead(mergeStrings.done));
  });

  await step('the merged duplicate shows it, and the merge is undone', async () => {
    await app.click(xpath(`(${button(mergeStrings.openOther, "//ul[contains(@class,'history')]").value})[1]`));
    await app.heading(DEMO_PATIENTS.amani.title);
    await app.waitFor(css('.archived'), profileStrings.merged);
    await app.click(button(mergeStrings.undo));
    await app.status(mergeStrings.undoneDone);
  });
});
