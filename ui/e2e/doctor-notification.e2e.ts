// A doctor is told of the bookings made for them (the demo books today's queue) and
// marks a notice read.

import { notificationsStrings } from '../src/screens/notifications/strings';
import { flow } from './app';
import { DEMO_USERS } from './demo';
import { button, css, waitUntil } from './driver';

const unread = css('#notifications-panel li.unread');

flow('a doctor reads a booking notification', { demo: true }, async (app, step) => {
  await step('the doctor signs in and opens the notifications', async () => {
    await app.signIn(DEMO_USERS.doctor);
    await app.click(css('button.bell'));
    await app.waitFor(unread);
  });

  await step('marking a notice read takes it off the unread list', async () => {
    const before = await app.session.count(unread);
    await app.click(button(notificationsStrings.markRead, "//aside[@id='notifications-panel']"));
    await waitUntil(`fewer than ${before} unread notifications`, async () => (await app.session.count(unread)) < before);
  });
});
