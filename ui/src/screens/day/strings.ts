// The doctor's day's words. English for now.

export const dayStrings = {
  title: 'My day',
  intro: 'Patients checked in for you today, and your visits still open. Arrow keys choose a patient; Enter opens the visit and the chart.',
  waiting: 'Checked in',
  noneWaiting: 'Nobody is checked in for you yet. The front desk checks patients in as they arrive.',
  openVisits: 'Other open visits',
  time: 'Time',
  patient: 'Patient',
  reason: 'Reason',
  state: 'Visit',
  notStarted: 'Waiting',
  inProgress: 'In progress',
  walkIn: 'Walk-in',
  openVisit: 'Open visit',
  resumeVisit: 'Resume visit',
  chart: 'Chart',
  opening: 'Opening…',
  openedAt: (time: string) => `opened ${time}`,
} as const;
