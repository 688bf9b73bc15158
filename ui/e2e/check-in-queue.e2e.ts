// The check-in queue: the demo books today's queue (at any hour of the clinic's day), and
// the receptionist checks one patient in and cancels another with a reason.

import { expect } from 'vitest';

import { appointmentsStrings } from '../src/screens/queue/strings';
import { flow } from './app';
import { DEMO_USERS } from './demo';
import { button, css } from './driver';

const table = "//table[contains(@class,'appointments')]";
const rows = (status: 'confirmed' | 'checked_in' | 'cancelled') => css(`table.appointments tr.status-${status}`);

flow('front desk: check one patient in, cancel another', { demo: true }, async (app, step) => {
  await step('the receptionist opens the queue', async () => {
    await app.signIn(DEMO_USERS.frontDesk);
    await app.open('queue');
    await app.waitFor(css('table.appointments .status'));
  });

  const booked = await app.session.count(rows('confirmed'));
  const checkedIn = await app.session.count(rows('checked_in'));
  const cancelled = await app.session.count(rows('cancelled'));

  await step('a booked patient is checked in', async () => {
    expect(booked, 'the demo books at least two patients still to arrive').toBeGreaterThanOrEqual(2);
    await app.click(button(appointmentsStrings.checkIn, table));
    await app.session.waitForCount(rows('checked_in'), checkedIn + 1);
  });

  await step('another booking is cancelled with a reason', async () => {
    await app.click(button(appointmentsStrings.cancel, table));
    await app.fill(css('#queue-cancel-reason'), 'Patient phoned: cannot come', true);
    await app.session.waitForCount(rows('cancelled'), cancelled + 1);
    await app.session.waitForCount(rows('confirmed'), booked - 2);
  });
});
