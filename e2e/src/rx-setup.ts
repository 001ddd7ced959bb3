/**
 * Starting point of the payment e2e: an APPROVED prescription for the demo patient 张建国, made
 * over the BFF's API (the UI of these steps has its own e2e), the way the product does it:
 *
 *   patient (H5, signed in through the national APP)  POST /consultations → the fee order
 *     → paid like the H5 pays: e-voucher authorization on the APP's page (purpose PAYMENT),
 *       prepare-insurance (6201 + 6202), pay (channel NHSA_APP) → the APP's cashier page (mock)
 *       → the BFF settles on the verified notify / query (polled through /orders/:id/status)
 *   doctor04 (signed in as staff)  accept → diagnose 高血压 → prescription draft → sign-and-submit
 *   pharm01                        approve (signed review)
 *
 * Demo data: prisma/src/seed/data/demo.json (张建国, HIS visit MZ-DEMO-0001 I10.x00 at
 * H64010000001), doctors.json (熊娟 = doctor04: same department as
 * 纳红梅/doctor01 but not the consultation e2e's doctor, so the two specs never meet on one open re-visit), drugs.json (codes the mobile-pay mock knows).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PHONE } from './browser';
import { answerOnAppPage, apiFromPage, base, mockUrl, signInPatient, signInStaff } from './flows';

const API = '/api/v1';

export const DEMO = {
  hospitalCode: 'H64010000001',
  visitNo: 'MZ-DEMO-0001',
  diagnosisCode: 'I10.x00',
  doctorName: '熊娟',
  doctor: { username: 'doctor04', password: 'Doctor@2026' },
  pharmacist: { username: 'pharm01', password: 'Pharm@2026' },
} as const;

/** Drugs of the seeded catalog (甲 and 乙, so the split has a fund part and a cash part). */
export const RX_DRUGS = [
  { nationalCode: 'XC08CAK591A001010158210', name: '苯磺酸氨氯地平片', quantity: 2 }, // 络活喜 甲类
  { nationalCode: 'XC08CAE647A004010370777', name: '硝苯地平控释片', quantity: 1 }, // 拜新同 乙类
] as const;

/** The BFF's answer, or an error that says which call failed and what the BFF said. */
export async function call<T = Record<string, unknown>>(page: Page, path: string, init: { method?: string; body?: unknown } = {}, expected: number[] = [200, 201]): Promise<T> {
  const res = await apiFromPage<T>(page, `${API}${path}`, init);
  if (!expected.includes(res.status)) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `done` answers a value (not undefined), or fails after `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Page1<T> {
  items: T[];
}

/** The signed-in patient's own 就诊人 (SELF). */
export async function selfPatientId(page: Page): Promise<string> {
  const list = await call<Page1<{ id: string; relationship: string }>>(page, '/patients');
  const self = list.items.find((p) => p.relationship === 'SELF');
  if (!self) throw new Error(`no SELF patient: ${JSON.stringify(list)}`);
  return self.id;
}

/** doctor04's catalog id (熊娟 at the demo hospital). */
export async function demoDoctorId(page: Page): Promise<string> {
  const list = await call<Page1<{ id: string; name: string; hospitalName?: string }>>(page, `/catalog/doctors?keyword=${encodeURIComponent(DEMO.doctorName)}&pageSize=50`);
  const doctors = list.items.filter((d) => d.name === DEMO.doctorName);
  if (doctors.length !== 1) throw new Error(`expected one doctor ${DEMO.doctorName}, got ${JSON.stringify(list.items)}`);
  return doctors[0]!.id;
}

/** Patient: a re-visit consultation with doctor04 continuing the HIS visit; its fee order is still unpaid. */
export async function createConsultation(page: Page, patientId: string, doctorId: string): Promise<{ consultationId: string; orderId: string }> {
  const body = {
    patientId,
    doctorId,
    offlineDiagnosis: { hospitalCode: DEMO.hospitalCode, visitNo: DEMO.visitNo, diagnosisCode: DEMO.diagnosisCode },
    description: '高血压复诊，最近血压140/90左右，想续开降压药',
    requestKey: `e2e_pay_${Date.now().toString(36)}`,
  };
  const res = await apiFromPage<{ code?: string; consultation: { id: string; status: string }; order: { id: string } }>(page, `${API}/consultations`, { method: 'POST', body });
  if (res.status !== 201) throw new Error(`POST /consultations → ${res.status} ${JSON.stringify(res.body)}`);
  if (res.body.consultation.status !== 'PENDING_PAYMENT') throw new Error(`consultation not waiting for payment: ${JSON.stringify(res.body.consultation)}`);
  return { consultationId: res.body.consultation.id, orderId: res.body.order.id };
}

/** The e-voucher authorization on the national APP's page (mock), as the H5's voucher page starts it. */
export async function authorizeVoucherOnApp(page: Page, patientId: string, orderId: string, purpose: 'PAYMENT' | 'REFUND'): Promise<void> {
  const { redirectUrl } = await call<{ redirectUrl: string }>(page, '/voucher/national-app/start', { method: 'POST', body: { purpose, patientId, orderId } });
  await page.goto(redirectUrl);
  await answerOnAppPage(page);
  await page.waitForURL((u) => u.href.startsWith(base()) && u.href.includes('voucher-result'), { timeout: 20_000 });
  if (!page.url().includes('outcome=authorized')) throw new Error(`voucher authorization not authorized: ${page.url()}`);
}

/**
 * Pays an unpaid order the way the H5 does, without its pages: authorization → prepare (6201 +
 * 6202) → pay on the APP's cashier (mock) → the BFF says PAID.
 */
export async function payOrderOnApp(page: Page, orderId: string, patientId: string): Promise<void> {
  await authorizeVoucherOnApp(page, patientId, orderId, 'PAYMENT');
  const cashier = await call<{ payMode: string; cashDueFen: number }>(page, `/orders/${orderId}/prepare-insurance`, { method: 'POST', body: {} });
  if (cashier.payMode !== 'INSURANCE') throw new Error(`expected an insurance order, got ${JSON.stringify(cashier)}`);
  const started = await call<{ launch: { kind: string; url?: string } }>(page, `/orders/${orderId}/pay`, { method: 'POST', body: { channel: 'NHSA_APP' } });
  if (started.launch.kind === 'REDIRECT') {
    await page.goto(started.launch.url!);
    await page.waitForURL((u) => u.href.startsWith(`${mockUrl()}/national-app/cashier`), { timeout: 20_000 });
    await page.locator('button[value=pay]').click();
    await page.waitForURL((u) => u.href.startsWith(base()), { timeout: 20_000 });
  } else if (started.launch.kind !== 'NONE') {
    throw new Error(`unexpected launch for H5: ${JSON.stringify(started.launch)}`);
  }
  await until(`order ${orderId} paid`, async () => {
    const s = await call<{ paid: boolean; state: string; final: boolean }>(page, `/orders/${orderId}/status`);
    if (s.final && !s.paid) throw new Error(`order ended unpaid: ${JSON.stringify(s)}`);
    return s.paid ? s : undefined;
  });
}

/** A catalog id by its exact code (diseases by ICD code, drugs by national code). */
async function catalogId(page: Page, kind: 'diseases' | 'drugs', code: string, field: 'code' | 'nationalCode'): Promise<string> {
  const list = await call<Page1<Record<string, string>>>(page, `/catalog/${kind}?keyword=${encodeURIComponent(code)}&pageSize=50`);
  const hit = list.items.find((x) => x[field] === code);
  if (!hit) throw new Error(`${kind} ${code} not in the catalog answer ${JSON.stringify(list.items.map((x) => x[field]))}`);
  return hit.id!;
}

/** doctor04: accept the paid consultation, diagnose 高血压, prescribe RX_DRUGS, sign and submit. */
export async function doctorPrescribes(doctor: Page, consultationId: string): Promise<string> {
  await until('the consultation in the WAITING queue', async () => {
    const q = await call<Page1<{ id: string }>>(doctor, '/workspace/consultations?status=WAITING&limit=50');
    return q.items.some((c) => c.id === consultationId) ? true : undefined;
  });
  await call(doctor, `/workspace/consultations/${consultationId}/accept`, { method: 'POST', body: {} });
  const diseaseId = await catalogId(doctor, 'diseases', DEMO.diagnosisCode, 'code');
  await call(doctor, `/workspace/consultations/${consultationId}/diagnosis`, { method: 'PUT', body: { diseaseId } });
  const items = [];
  for (const d of RX_DRUGS) {
    items.push({ drugId: await catalogId(doctor, 'drugs', d.nationalCode, 'nationalCode'), dosage: '每次1片', frequency: '每日一次', route: '口服', days: 28, quantity: d.quantity });
  }
  const draft = await call<{ id: string; status: string }>(doctor, `/workspace/consultations/${consultationId}/prescriptions`, { method: 'POST', body: { items } });
  const signed = await call<{ status: string }>(doctor, `/workspace/prescriptions/${draft.id}/sign-and-submit`, { method: 'POST', body: {} });
  if (signed.status !== 'PENDING_REVIEW') throw new Error(`after signing: ${JSON.stringify(signed)}`);
  return draft.id;
}

/** pharm01: approve the prescription (signed review). */
export async function pharmacistApproves(pharmacist: Page, prescriptionId: string): Promise<void> {
  const approved = await call<{ status: string; payable: boolean }>(pharmacist, `/workspace/prescriptions/${prescriptionId}/approve`, { method: 'POST', body: { comment: '用药合理' } });
  if (approved.status !== 'APPROVED' || !approved.payable) throw new Error(`after approval: ${JSON.stringify(approved)}`);
}

export interface ApprovedRx {
  /** The patient's context (PHONE, signed in through the APP); keep using it for the UI. */
  patient: BrowserContext;
  patientId: string;
  consultationId: string;
  consultationOrderId: string;
  prescriptionId: string;
}

/** The whole setup: a signed-in patient with a paid consultation and an approved, payable prescription. */
export async function approvedPrescriptionForDemoPatient(browser: Browser): Promise<ApprovedRx> {
  const patient = await browser.newContext(PHONE);
  const pp = await patient.newPage();
  await signInPatient(pp);
  const patientId = await selfPatientId(pp);
  const doctorId = await demoDoctorId(pp);
  const { consultationId, orderId } = await createConsultation(pp, patientId, doctorId);
  await payOrderOnApp(pp, orderId, patientId);
  await pp.close();

  const staff = await browser.newContext(PHONE);
  try {
    const doctor = await staff.newPage();
    await signInStaff(doctor, DEMO.doctor.username, DEMO.doctor.password);
    const prescriptionId = await doctorPrescribes(doctor, consultationId);
    await doctor.close();
    // Another context: staff sessions live in the page's storage, one per context.
    const pharmacistContext = await browser.newContext(PHONE);
    try {
      const pharm = await pharmacistContext.newPage();
      await signInStaff(pharm, DEMO.pharmacist.username, DEMO.pharmacist.password);
      await pharmacistApproves(pharm, prescriptionId);
    } finally {
      await pharmacistContext.close();
    }
    return { patient, patientId, consultationId, consultationOrderId: orderId, prescriptionId };
  } finally {
    await staff.close();
  }
}
