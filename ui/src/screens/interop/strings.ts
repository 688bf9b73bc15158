// The interoperability screens' words.

export const interopStrings = {
  fhirTitle: 'Export the record',
  fhirIntro: 'The whole record as a FHIR R4 bundle (JSON) for another system or for the patient: visits, diagnoses, allergies, vitals, lab results, prescriptions and the list of attachments. The export is recorded in who saw the record.',
  saveFhir: 'Save as FHIR (JSON)…',
  fileName: (mrn: string) => `record-${mrn}.json`,
};
