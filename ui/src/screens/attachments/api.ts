// The attachments panel's commands: a patient's scans, photos and PDFs, adding one from a
// chosen file, archiving one, and viewing one (an image, or a PDF page as a picture).

import { call, callAction } from '../../lib/api';
import type { Attachment } from '../../lib/generated/Attachment';
import type { AttachmentView } from '../../lib/generated/AttachmentView';

export type { Attachment, AttachmentView };

/** A patient's attachments, newest first (an audited read). */
export function patientAttachments(patientId: string): Promise<Attachment[]> {
  return call<Attachment[]>('patient_attachments', { patient_id: patientId });
}

/** Adds a file (its bytes as base64); the core checks its kind by content and its size. */
export function addAttachment(
  patientId: string,
  encounterId: string | null,
  fileName: string,
  title: string | null,
  data: string,
): Promise<Attachment> {
  return callAction<Attachment>('add_attachment', {
    patient_id: patientId,
    encounter_id: encounterId,
    file_name: fileName,
    title,
    data,
  });
}

export function archiveAttachment(id: string, reason: string): Promise<Attachment> {
  return callAction<Attachment>('archive_attachment', { id, reason });
}

/** One attachment to show: the image, or page `page` of a PDF (an audited read). */
export function viewAttachment(id: string, page: number): Promise<AttachmentView> {
  return call<AttachmentView>('view_attachment', { id, page });
}
