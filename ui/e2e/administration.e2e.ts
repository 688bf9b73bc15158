// Administration of people: the administrator adds a nurse (a weak password refused next
// to its field), finds the addition in the audit log and verifies the chain, and sets the
// letterhead (a fifth address line refused next to its field, then an address and the
// Letter paper size saved and shown again); the nurse then signs in and is offered no
// administration.

import { expect } from 'vitest';

import { adminStrings } from '../src/screens/admin/strings';
import { calendarStrings } from '../src/screens/calendar/strings';
import { flow, tab } from './app';
import { DEMO_USERS } from './demo';
import { ENTER, button, css, waitUntil, xpath, xpathLiteral } from './driver';

const t = adminStrings;
const nurse = { username: 'amina.n', password: 'ward seven nights' };
const letterheadAddress = 'Plot 12, Riverside Drive, Nairobi';

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

  await step('the letterhead refuses a fifth address line next to its field', async () => {
    await app.click(css('#admin-tab-letterhead'));
    await app.heading(t.title);
    await app.waitFor(css('#lh-name'));
    // Enter starts a new line in the text area (a typed "\n" is not a key).
    await app.fill(css('#lh-address'), ['one', 'two', 'three', 'four', 'five'].join(ENTER));
    await app.click(css('#lh-save'));
    const error = await app.waitFor(css('#lh-address-error'));
    expect(await error.text(), 'the core says how many lines a letterhead prints').toContain('4');
  });

  await step('an address line and the Letter paper size are saved and shown again', async () => {
    await app.fill(css('#lh-address'), letterheadAddress);
    await app.click(css('#lh-size-Letter'));
    await app.click(css('#lh-save'));
    await app.status(t.letterhead.saved);
    // Another section and back: the panel reads the letterhead again from the core.
    await app.click(css('#admin-tab-users'));
    await app.waitFor(css('#admin-tab-users[aria-selected=true]'));
    await app.click(css('#admin-tab-letterhead'));
    await waitUntil('the saved address in its field', async () => (await (await app.waitFor(css('#lh-address'))).property('value')) === letterheadAddress);
    expect(await (await app.waitFor(css('#lh-size-Letter'))).property('checked'), 'Letter is the saved paper size').toBe(true);
  });

  await step('the nurse signs in and is offered no administration', async () => {
    await app.signOut();
    await app.signIn(nurse.username, nurse.password);
    expect(await app.isAbsent(tab('admin')), 'the policy gives a nurse no administration').toBe(true);
    await app.open('calendar');
    await app.heading(calendarStrings.title);
  });
});
