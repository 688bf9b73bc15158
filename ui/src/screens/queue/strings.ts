// The check-in queue's words, and the appointment table it shares with other screens.
// English for now; the words several screens share are in lib/strings.ts.

export const appointmentsStrings = {
  cancel: 'Cancel…',
  cancelTitle: 'Cancel this appointment',
  cancelReason: 'Reason',
  cancelConfirm: 'Cancel appointment',
  keep: 'Keep it',
  reschedule: 'Move…',
  checkIn: 'Check in',
  checkingIn: 'Checking in…',
  provisional: 'Not yet synced',
  provisionalHint: 'Booked on this workstation; provisional until the sync server accepts it.',
  number: 'No.',
  time: 'Time',
  patient: 'Patient',
  doctor: 'Doctor',
  status: 'Status',
  unknownDoctor: 'Doctor',
  reason: (text: string) => `Reason: ${text}`,
} as const;

export const queueStrings = {
  title: 'Check-in queue',
  viewTitle: 'Appointments',
  intro: (branch: string) => `Appointments at ${branch}, in time order.`,
  previousDay: 'Previous day',
  nextDay: 'Next day',
  today: 'Today',
  empty: 'No appointments on this day.',
  summary: (waiting: number, checkedIn: number) => `${waiting} to arrive, ${checkedIn} checked in`,
} as const;
