// The sync conflicts screen's words.
// English for now; the words several screens share are in lib/strings.ts.

export const conflictsStrings = {
  title: 'Sync conflicts',
  intro: 'What the sync server could not accept as it was. Nothing is dropped: each item waits here for a person.',
  lostTitle: 'Bookings that lost a double booking',
  lostIntro:
    'Another branch booked the same doctor at the same time while one of the two was offline. The server kept the first booking; rebook these patients or cancel.',
  lostNone: 'No lost bookings.',
  rebook: 'Rebook…',
  changesTitle: 'Changes that could not be applied here',
  changesIntro:
    'Pulled from the server but refused by this workstation’s rules. They are kept and tried again after every sync; one that should not apply here can be set aside with a reason.',
  changesNone: 'None.',
  received: 'Received',
  table: 'Kind',
  row: 'Record',
  reason: 'Why',
  tables: { appointments: 'Appointment', patients: 'Patient', doctors: 'Doctor', users: 'User' } as Record<string, string>,
  count: (n: number) => (n === 1 ? '1 item' : `${n} items`),
  setAside: 'Set aside…',
  setAsideWhy: 'Why it does not apply here',
  setAsideConfirm: 'Set aside',
  setAsideCancel: 'Keep it',
  setAsideDone: 'Set aside. It stays recorded with your reason.',
} as const;
