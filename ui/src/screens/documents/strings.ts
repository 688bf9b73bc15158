// The printed documents' words: the preview dialog (pages, Print, Save as PDF…) and the
// certificate form of a visit (the letterhead panel's are the administration's). English
// for now.

export const documentsStrings = {
  // The dialog.
  dialogLabel: (title: string) => `Print or save ${title}`,
  loading: 'Preparing the preview…',
  close: 'Close',
  preview: 'Preview',
  previewAlt: (title: string, page: number, pages: number) => `${title}, page ${page} of ${pages}`,
  page: (page: number, pages: number) => `Page ${page} of ${pages}`,
  previous: 'Previous page',
  next: 'Next page',
  pageHint: 'Page Up and Page Down (or the arrow keys on the preview) turn pages; Escape closes.',

  // Print.
  printTitle: 'Print',
  printer: 'Printer',
  noPrinters: 'No printer is set up on this workstation: add one in the system’s printer settings, or save the document as a PDF below.',
  copies: 'Copies',
  copiesWhole: 'Write a whole number of copies.',
  copiesRange: 'Print between 1 and 99 copies.',
  choosePrinter: 'Choose a printer.',
  print: 'Print',
  printing: 'Sending…',
  sent: (printer: string, job: string) => `Sent to ${printer} (job ${job})`,
  sentNoJob: (printer: string) => `Sent to ${printer}`,

  // Save as PDF.
  saveTitle: 'Save as PDF…',
  folder: 'Folder',
  fileName: 'File name',
  save: 'Save',
  saving: 'Saving…',
  replace: 'Replace',
  replaceHint: 'A file with this name is already there. Replace it, or change the name.',
  saved: (path: string) => `Saved to ${path}`,

  // Opening the dialog from other screens.
  printAction: 'Print…',
  printLabel: (what: string) => `Print… ${what}`,
} as const;

export const certificateStrings = {
  action: 'Certificate…',
  title: 'Certificate',
  intro: 'Issued in your name, filed in the patient’s attachments on this visit, then ready to print.',
  kind: 'Certificate',
  kinds: { sick_note: 'Sick note', fitness_to_work: 'Fitness to work' },
  from: 'From',
  fromHint: 'YYYY-MM-DD: the first day it covers (up to 7 days before the visit).',
  until: 'Until',
  untilHint: 'YYYY-MM-DD: the last day of the sick note.',
  recommendation: 'Recommendation',
  recommendationHint: 'E.g. Rest at home; light duties for a week after. Optional.',
  issue: 'Issue certificate',
  issuing: 'Issuing…',
  cancel: 'Cancel',
  issued: (title: string) => `${title} issued and filed in the attachments.`,
} as const;
