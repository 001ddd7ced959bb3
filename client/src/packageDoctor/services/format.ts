/** Display helpers of the workspace (China time; patients only masked). */
import { chinaDateTime } from '@ih/contract';
import { shortTime as listTime } from '../../pages/consult/consultations';

const GENDER_LABELS = { MALE: '男', FEMALE: '女', UNKNOWN: '未知' } as const;

/** "11-22 08:30" (China time; with the year when not this year); '' when missing. Same as the patient's lists. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? listTime(iso) : '';
}

/** "08:30:15" (China time) of an epoch ms. */
export function clock(ms: number): string {
  return chinaDateTime(ms).slice(11, 19);
}

/** "2026-11-22 08:30" (China time). */
export function fullTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '' : chinaDateTime(ms).slice(0, 16);
}

/** "张*明 · 女 · 58 岁" */
export function patientLine(p: { nameMasked: string; gender: keyof typeof GENDER_LABELS; age: number | null }): string {
  return [p.nameMasked, GENDER_LABELS[p.gender], p.age === null ? null : `${p.age} 岁`].filter(Boolean).join(' · ');
}
