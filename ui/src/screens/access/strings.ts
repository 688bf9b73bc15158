// The access history's words. English for now.

export const accessStrings = {
  title: 'Access history',
  backToRecord: 'Back to the record',
  pageTitle: (name: string) => `Who opened ${name}’s record`,
  intro: 'Every look at this patient’s clinical record, newest first, with refused attempts. Break-glass access shows its reason.',
  when: 'When',
  who: 'Who',
  role: 'Role',
  what: 'Opened',
  outcome: 'Outcome',
  allowed: 'Opened',
  refused: 'Refused',
  emergency: (reason: string) => `Break-glass: ${reason}`,
  unknownUser: 'unknown',
  empty: 'Nobody has opened this record yet.',
  count: (n: number) => (n === 1 ? '1 look' : `${n} looks`),
  // What the core names each read (`record.<what>`); others show as the core names them.
  whats: {
    chart: 'Chart',
    encounter: 'Visit',
    encounters: 'Visits',
    notes: 'Visit notes',
    note: 'Note',
    note_history: 'Note history',
    vitals: 'Vitals',
    diagnoses: 'Diagnoses',
    allergies: 'Allergies',
    record: 'Record (refused)',
  } as Record<string, string>,
} as const;
