// The front desk on a demo workstation: the receptionist searches as they type (opened
// with "/"), registers a patient, is not offered Archive (the policy's call), sees a
// refused value next to its field, and finds the new patient by name.

import { expect } from 'vitest';

import { profileStrings } from '../src/screens/patients/strings';
import { flow } from './app';
import { DEMO_BRANCH_CODE, DEMO_PATIENTS, DEMO_USERS } from './demo';
import { button, css } from './driver';

const searchResult = css('[role=option] .name');

flow('front desk: search and register patients', { demo: true }, async (app, step) => {
  await step('the receptionist signs in', () => app.signIn(DEMO_USERS.frontDesk));

  await step('"/" opens the search, which lists matches as you type', async () => {
    await (await app.waitFor(css('body'))).type('/');
    await app.fill(css('#patient-search'), DEMO_PATIENTS.annette.search);
    await app.waitFor(searchResult, DEMO_PATIENTS.annette.listed);
    const names = await app.session.texts(searchResult);
    expect(names, 'every demo patient whose name starts with "ann"').toEqual(
      expect.arrayContaining([DEMO_PATIENTS.anna.listed, DEMO_PATIENTS.anne.listed]),
    );
  });

  await step('a new patient is registered and gets a number of this branch', async () => {
    await app.open('register');
    await app.fill(css('#pf-given_name'), 'Zawadi');
    await app.fill(css('#pf-family_name'), 'Otieno');
    await app.fill(css('#pf-date_of_birth'), '1990-04-12');
    await app.click(css('#pf-sex option[value=female]'));
    await app.fill(css('#pf-phone'), '0700 111 222', true);
    await app.heading('Zawadi Otieno');
    const mrn = await (await app.waitFor(css('.eyebrow code'))).text();
    expect(mrn, 'record numbers carry the branch code').toMatch(new RegExp(`^${DEMO_BRANCH_CODE}-`));
    expect(await app.isAbsent(button(profileStrings.archive)), 'the policy does not let a receptionist archive').toBe(
      true,
    );
  });

  await step('a value the core refuses is shown next to its field', async () => {
    await app.open('register');
    await app.fill(css('#pf-given_name'), 'Baraka');
    await app.fill(css('#pf-family_name'), 'Mutiso');
    await app.fill(css('#pf-date_of_birth'), '3000-01-01');
    await app.click(css('#pf-sex option[value=male]'));
    await app.fill(css('#pf-phone'), '', true);
    const error = await app.waitFor(css('#pf-date_of_birth-error'));
    expect(await error.text(), 'the core says why a birth date in the future is refused').not.toBe('');
  });

  await step('search finds the new patient', async () => {
    await app.open('patients');
    await app.fill(css('#patient-search'), 'zawadi otie');
    await app.waitFor(searchResult, 'Otieno, Zawadi');
  });
});
