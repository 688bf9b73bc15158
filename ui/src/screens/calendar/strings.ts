// The calendar screen's words.
// English for now; the words several screens share are in lib/strings.ts.

export const calendarStrings = {
  title: 'Calendar',
  intro: 'Appointments by time. ← and → (or Page Up/Down) move, T goes to today, D and W switch between day and week.',
  previousDay: 'Previous day',
  nextDay: 'Next day',
  previousWeek: 'Previous week',
  nextWeek: 'Next week',
  today: 'Today',
  view: 'View',
  day: 'Day',
  week: 'Week',
  doctor: 'Doctor',
  allDoctors: 'All doctors',
  branch: 'Branch',
  allBranches: 'All branches',
  weekOf: (first: string, last: string) => `${first} – ${last}`,
  count: (n: number) => (n === 1 ? '1 appointment' : `${n} appointments`),
  empty: 'No appointments.',
  times: 'Times',
  appointmentLabel: (time: string, patient: string, doctor: string, status: string) =>
    `${time}, ${patient}${doctor ? ` with ${doctor}` : ''}, ${status}`,
} as const;
