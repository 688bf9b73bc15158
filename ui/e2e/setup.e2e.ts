// First run: an empty workstation shows the set-up screen; a password the core refuses
// is shown next to its field; the recovery code is shown once; the home page follows,
// and the data directory now holds a workstation.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

import { homeStrings } from '../src/screens/home/strings';
import { recoveryStrings, setupStrings } from '../src/screens/setup/strings';
import { flow } from './app';
import { button, css, lead } from './driver';

flow('first-run set-up on an empty workstation', { demo: false }, async (app, step) => {
  await step('the set-up screen asks for the clinic and its administrator', async () => {
    await app.heading(setupStrings.title);
    await app.fill(css('#setup-clinic-name'), 'Lakeside Family Clinic');
    await app.fill(css('#setup-username'), 'boss');
  });

  await step('a password the core refuses is shown next to its field', async () => {
    await app.fill(css('#setup-password'), 'short');
    await app.fill(css('#setup-confirm'), 'short', true);
    const error = await app.waitFor(css('#setup-password-error'));
    expect(await error.text(), 'the core says why the password is refused').not.toBe('');
  });

  await step('an accepted password shows the recovery code once', async () => {
    await app.fill(css('#setup-password'), 'lakeside opening day');
    await app.fill(css('#setup-confirm'), 'lakeside opening day', true);
    await app.heading(recoveryStrings.title);
    await app.click(css('input[type=checkbox]'));
    await app.click(button(recoveryStrings.continue));
  });

  await step('the home page opens and the workstation is on disk', async () => {
    await app.heading(lead(homeStrings.title));
    for (const file of ['keys.json', 'clinic.db']) {
      expect(existsSync(join(app.dataDir, file)), `set-up leaves ${file} in the data directory`).toBe(true);
    }
  });
});
