// The idle lock: an administrator sets a one-minute limit, and a session left untouched
// for that minute locks itself; the password opens it again where it was.

import { adminStrings } from '../src/screens/admin/strings';
import { lockStrings } from '../src/screens/lock/strings';
import { flow } from './app';
import { DEMO_PASSWORD, DEMO_USERS } from './demo';
import { button, css } from './driver';

flow('an idle session locks itself', { demo: true, timeoutMs: 6 * 60_000 }, async (app, step) => {
  await step('the administrator sets a one-minute idle lock', async () => {
    await app.signIn(DEMO_USERS.admin);
    await app.open('admin');
    await app.click(css('#admin-tab-settings'));
    await app.fill(css('#idle-minutes'), '1');
    await app.click(button(adminStrings.settings.idleSave));
    await app.status(adminStrings.settings.idleSaved(1));
  });

  await step('the next session, left alone, locks itself within two minutes', async () => {
    // The limit applies from the next sign-in.
    await app.signOut();
    await app.signIn(DEMO_USERS.admin);
    // Nothing is typed or clicked from here: the UI's idle timer and the core's own idle
    // check lock the session after a minute.
    await app.waitFor(css('#lock-title'), lockStrings.title, 120_000);
    await app.status(lockStrings.idle);
  });

  await step('the password unlocks it', async () => {
    await app.fill(css('#lock-password'), DEMO_PASSWORD, true);
    await app.home();
  });
});
