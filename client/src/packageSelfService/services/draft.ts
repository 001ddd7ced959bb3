/**
 * The application being filled in, handed from the form page to the review page (both stay in
 * the page stack, so going back keeps the form as it was). Memory only: personal data is never
 * written to storage. After a reload (H5) the review page finds nothing and sends the user back
 * to the form.
 */
import type { MaterialProvidedInput, Patient, SelfServiceItemDetail, UploadedFile, ValidateResponse } from '@ih/contract';

export interface Draft {
  /** One per form opening: a repeated submit creates one application. */
  requestKey: string;
  item: SelfServiceItemDetail;
  patient: Patient;
  form: Record<string, string>;
  materials: MaterialProvidedInput[];
  /** The uploaded files per material code (thumbnails on the review page). */
  files: Record<string, UploadedFile[]>;
  /** Not blocking (e.g. the bank card's Luhn check), shown again on the review page. */
  warnings: Record<string, string>;
  /** The BFF's check: values as shown back (masked, names for codes), the due date, computed facts. */
  review: ValidateResponse;
}

let current: Draft | null = null;

export function saveDraft(draft: Draft): void {
  current = draft;
}

export function getDraft(itemCode: string): Draft | null {
  return current && current.item.code === itemCode ? current : null;
}

export function clearDraft(): void {
  current = null;
}
