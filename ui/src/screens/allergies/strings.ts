// The allergies' words: the chart's warning banner, the list, and the form. English for
// now.

export const allergiesStrings = {
  title: 'Allergies',
  banner: 'Allergies',
  noneKnown: 'No allergies recorded.',
  severities: { mild: 'Mild', moderate: 'Moderate', severe: 'Severe', unknown: 'Severity unknown' } as Record<string, string>,
  line: (substance: string, severity: string, reaction: string | null) =>
    reaction ? `${substance} (${severity}): ${reaction}` : `${substance} (${severity})`,
  addTitle: 'Record an allergy',
  substance: 'Substance',
  substanceHint: 'A drug, food or material: e.g. Penicillin, Peanuts, Latex.',
  reaction: 'Reaction',
  reactionHint: 'What happens: e.g. Rash, Anaphylaxis.',
  severity: 'Severity',
  add: 'Record allergy',
  saving: 'Saving…',
  added: (substance: string) => `Recorded: ${substance}.`,
  listTitle: 'Recorded allergies',
  empty: 'No allergies recorded.',
  inactive: 'Inactive',
  archived: 'Archived (entered in error)',
  markInactive: 'Mark inactive',
  markActive: 'Mark active',
  archive: 'Archive…',
  archiveReason: 'Why is it archived?',
  archiveConfirm: 'Archive',
  noted: (who: string | null, when: string) => (who ? `Noted by ${who}, ${when}` : `Moved from the old record, ${when}`),
} as const;
