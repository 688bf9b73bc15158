// Doctors and schedules: the administrator adds a user with the doctor role, gives them a
// doctor's profile and saves weekly hours.

import { adminStrings } from '../src/screens/admin/strings';
import { doctorsStrings } from '../src/screens/doctors/strings';
import { flow } from './app';
import { DEMO_USERS } from './demo';
import { button, css, xpath, xpathLiteral } from './driver';

const doctor = { username: 'dr.otieno', password: 'skin deep clinic' };

flow('administration: add a doctor with weekly hours', { demo: true }, async (app, step) => {
  await step('the administrator adds a user with the doctor role', async () => {
    await app.signIn(DEMO_USERS.admin);
    await app.open('admin');
    await app.fill(css('#new-username'), doctor.username);
    await app.click(css('#new-role option[value=doctor]'));
    await app.fill(css('#new-password'), doctor.password);
    await app.fill(css('#new-confirm'), doctor.password, true);
    await app.status(adminStrings.users.added(doctor.username));
  });

  await step('the user gets a doctor’s profile', async () => {
    await app.open('doctors');
    await app.fill(css('#doctor-username'), doctor.username);
    await app.fill(css('#doctor-specialization'), 'Dermatology');
    await app.fill(css('#doctor-licence'), 'de-501');
    await app.fill(css('#doctor-fee'), '3,000', true);
    await app.status(doctorsStrings.added(doctor.username));
  });

  await step('the doctor’s page shows the profile the core kept', async () => {
    await app.click(xpath(`//button[@aria-label=${xpathLiteral(doctorsStrings.openFor(doctor.username))}]`));
    await app.heading(doctor.username);
    // The core keeps licence numbers in capitals.
    await app.waitFor(css('p.muted'), 'DE-501');
  });

  await step('weekly hours are saved', async () => {
    await app.click(css('#hours-add'));
    await app.click(button(doctorsStrings.saveHours));
    await app.status(doctorsStrings.hoursSaved);
  });
});
