// Administration of people: the administrator adds a nurse (a weak password refused next
// to its field), finds the addition in the audit log and verifies the chain; the nurse
// then signs in and is offered no administration.

import { expect } from 'vitest';

import { adminStrings } from '../src/screens/admin/strings';
import { calendarStrings } from '../src/screens/calendar/strings';
import { flow, tab } from './app';
import { DEMO_USERS } from './demo';
import { button, css, xpath, xpathLiteral } from './driver';

const t = adminStrings;
const nurse = { username: 'amina.n', password: 'ward seven nights' };

flow('administration: add a user, audit it, the new nurse sees no administration', { demo: true }, async (app, step) => {
  await step('the administrator opens Users and roles', async () => {
    await app.signIn(DEMO_USERS.admin);
    await app.open('admin');
    await app.waitFor(css('#admin-tab-users[aria-selected=true]'));
  });

  await step('a weak initial password is refused next to its field', async () => {
    await app.fill(css('#new-username'), nurse.username);
    await app.click(css('#new-role option[value=nurse]'));
    await app.fill(css('#new-password'), 'short');
    await app.fill(css('#new-confirm'), 'short', true);
    const error = await app.waitFor(css('#new-password-error'));
    expect(await error.text(), 'the core says why the password is refused').not.toBe('');
  });

  await step('the nurse is added and listed', async () => {
    await app.fill(css('#new-password'), nurse.password);
    await app.fill(css('#new-confirm'), nurse.password, true);
    await app.status(t.users.added(nurse.username));
    await app.waitFor(xpath(`//table[contains(@class,'data')]//td[.//strong[normalize-space()=${xpathLiteral(nurse.username)}]]`));
  });

  await step('the audit log lists the addition and its chain verifies', async () => {
    await app.click(css('#admin-tab-audit'));
    await app.fill(css('#audit-action'), 'user.create', true);
    await app.waitFor(css('table.data td'), nurse.username);
    await app.click(button(t.audit.verify));
    await app.waitFor(css('.verification.ok'));
  });

  await step('the nurse signs in and is offered no administration', async () => {
    await app.signOut();
    await app.signIn(nurse.username, nurse.password);
    expect(await app.isAbsent(tab('admin')), 'the policy gives a nurse no administration').toBe(true);
    await app.open('calendar');
    await app.heading(calendarStrings.title);
  });
});
