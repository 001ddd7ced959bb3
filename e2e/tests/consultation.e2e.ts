/**
 * 在线复诊 end to end in Chromium, three people in three browser contexts against the real BFF,
 * mocks and demo seed: the patient (张建国, signed in through the national APP) finds 纳红梅
 * (心血管内科, 宁夏医科大学总医院), passes the re-visit check on the HIS diagnosis I10.x00, describes
 * the condition with a photo, authorizes the e-voucher and pays the fee through the insurance
 * cashier and the APP's cashier page; the doctor (doctor01) accepts from the waiting queue, talks
 * with the patient in real time, diagnoses, prescribes from the catalog and signs; the pharmacist
 * (pharm01) approves; the patient sees the prescription card in the room and the approved,
 * doubly signed and verified prescription.
 *
 * The tests run in order and share the consultation (each one is a stage of the same visit).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, launchChromium, PHONE } from '../src/browser';
import { answerOnAppPage, apiFromPage, base, mockUrl, route, signInPatient, signInStaff } from '../src/flows';
import { STEP_MS, field, shown, waitForText, yuan } from '../src/consult-steps';
import { solidPng } from '../src/images';

const HOSPITAL = '宁夏医科大学总医院'; // H64010000001
const DEPARTMENT = '心血管内科';
const DOCTOR = '纳红梅';
const DIAGNOSIS = 'I10.x00';
const DRUG_CODE = 'XC08CAK591A001010244048'; // 苯磺酸氨氯地平片 5mg*28片, ¥1.72 / 盒, 甲类
const MASKED_PATIENT = '张*国';
const DESCRIPTION = '近两周家中血压多在135/85左右，每天服用氨氯地平5mg，无头晕胸闷，药快吃完了，想续方。';
const DOCTOR_SAYS = '您好，我是纳医生。最近有没有脚踝水肿？';
const PATIENT_SAYS = '没有水肿，睡眠也正常。';

/** A screenshot once the page's slide-in (Taro's router transition) has finished. */
async function shot(page: Page, step: string): Promise<void> {
  await page
    .waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity), undefined, { timeout: 5_000 })
    .catch(() => undefined);
  await page.screenshot({ path: join(ARTIFACTS, `h5-consultation-${step}.png`), fullPage: true });
}

let browser: Browser;
const contexts: BrowserContext[] = [];
let patient: Page;
let doctor: Page;
let pharmacist: Page;
const pageErrors: string[] = [];
/** Shared between the stages. */
let consultationId = '';
let orderId = '';
let prescriptionId = '';

async function newPage(who: string): Promise<Page> {
  const context = await browser.newContext(PHONE);
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`[${who}] ${e.message}`));
  return page;
}

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
});

test('patient: 复诊 → doctor → eligibility (covered) → describe with a photo → order', async () => {
  patient = await newPage('patient');
  await signInPatient(patient);

  // Home → 在线复诊 → hospital → department → doctor.
  await patient.goto(`${base()}/`);
  await patient.locator('.home-entry--revisit').click({ timeout: STEP_MS });
  await patient.waitForURL(/packageConsult\/pages\/revisit\/index/, { timeout: STEP_MS });
  const revisit = shown(patient, '.revisit');
  await field(revisit, 'search-bar__input', 'input').fill(HOSPITAL);
  await revisit.locator('.search-bar__submit').click();
  await (await waitForText(revisit.locator('.hospital-card--covered'), HOSPITAL)).click();

  const departments = shown(patient, '.departments');
  await waitForText(departments.locator('.departments__hospital'), HOSPITAL);
  await (await waitForText(departments.locator('.department-card'), DEPARTMENT)).click();

  const doctors = shown(patient, '.doctors');
  await (await waitForText(doctors.locator('.doctor-card--available'), DOCTOR)).click();

  const detail = shown(patient, '.doctor-detail');
  await waitForText(detail.locator('.doctor-detail__name'), DOCTOR);
  await expect(detail.locator('.doctor-detail__row--fee').textContent()).resolves.toContain('¥30.00');
  await shot(patient, '01-doctor');
  await detail.locator('.doctor-detail__start').click();

  // Eligibility: 就诊人 本人, the HIS visit 40 days ago at this hospital, 高血压 → covered.
  const eligibility = shown(patient, '.eligibility');
  await (await waitForText(eligibility.locator('.patient-option'), MASKED_PATIENT)).click();
  const visit = await waitForText(eligibility.locator('.visit'), HOSPITAL);
  await visit.locator(`.diagnosis[data-code="${DIAGNOSIS}"]`).click();
  await visit.locator(`.diagnosis--selected[data-code="${DIAGNOSIS}"]`).waitFor({ timeout: STEP_MS });
  await eligibility.locator('.eligibility__check').click();
  const result = eligibility.locator('.eligibility-result--covered');
  await result.waitFor({ timeout: STEP_MS });
  await expect(result.textContent()).resolves.toContain('医保可参与支付');
  await shot(patient, '02-eligibility');
  await result.locator('.eligibility-next__button').click();

  // Describe: text + one photo through the browser's file chooser.
  const describe = shown(patient, '.describe--write');
  await describe.waitFor({ timeout: STEP_MS });
  await field(describe, 'describe__text').fill(DESCRIPTION);
  await expect(describe.locator('.describe__count').textContent()).resolves.toContain(`${DESCRIPTION.length}/`);
  const [chooser] = await Promise.all([patient.waitForEvent('filechooser', { timeout: STEP_MS }), describe.locator('.upload__add').click()]);
  await chooser.setFiles({ name: 'bp-log.png', mimeType: 'image/png', buffer: await solidPng(32, 24, [200, 40, 40]) });
  await describe.locator('.upload__item--done').waitFor({ timeout: STEP_MS });
  await shot(patient, '03-describe');
  await describe.locator('.describe__next').click();

  const confirm = shown(patient, '.describe--confirm');
  await confirm.waitFor({ timeout: STEP_MS });
  await expect(confirm.locator('.describe-fact--doctor').textContent()).resolves.toContain(DOCTOR);
  await expect(confirm.locator('.describe-fact--patient').textContent()).resolves.toContain(MASKED_PATIENT);
  await expect(confirm.locator('.describe-fact--insurance').textContent()).resolves.toContain('医保可参与支付');
  await expect(confirm.locator('.describe-fact--fee').textContent()).resolves.toContain('¥30.00');
  await expect(confirm.locator('.describe-fact--description').textContent()).resolves.toContain('已上传 1 张图片');
  await confirm.locator('.describe-confirm__submit').click();

  await patient.waitForURL(/pages\/orders\/confirm\/index\?orderId=/, { timeout: STEP_MS });
  orderId = new URL(patient.url().replace('/#/', '/')).searchParams.get('orderId') ?? '';
  expect(orderId).not.toBe('');
  const order = shown(patient, '.confirm');
  await waitForText(order.locator('.order-section'), DOCTOR);
  await expect(order.locator('.confirm__pay-mode--insurance').count()).resolves.toBe(1);
  await shot(patient, '04-order');
});

test('patient: e-voucher authorization → insurance cashier (BFF split) → APP cashier → paid → room waiting', async () => {
  expect(orderId).not.toBe('');
  await shown(patient, '.confirm').locator('.confirm__pay').click();

  // Fresh authorization right before the cashier (purpose PAYMENT), agreed on the APP's page.
  const voucher = shown(patient, '.voucher-entry');
  await voucher.waitFor({ timeout: STEP_MS });
  await waitForText(voucher.locator('.voucher-entry__who'), MASKED_PATIENT);
  await voucher.locator('.voucher-entry__agree').click();
  await answerOnAppPage(patient);
  await patient.waitForURL(/voucher-result/, { timeout: STEP_MS });
  const authorized = shown(patient, '.voucher-result--authorized');
  await authorized.waitFor({ timeout: STEP_MS });

  // The cashier shows the BFF's split (6201 + 6202): compare every row with the BFF's own answer.
  const prepared = patient.waitForResponse((r) => r.url().includes(`/orders/${orderId}/prepare-insurance`) && r.request().method() === 'POST', { timeout: STEP_MS });
  await authorized.locator('.voucher-result__continue').click();
  const prepareResponse = await prepared;
  expect(prepareResponse.status()).toBe(200);
  const view = (await prepareResponse.json()) as { payMode: string; cashDueFen: number; split: { fundPayFen?: number } | null; rows: { key: string; amountFen: number }[] };
  expect(view.payMode).toBe('INSURANCE');
  const cashier = shown(patient, '.cashier--insurance');
  await cashier.waitFor({ timeout: STEP_MS });
  const rowOf = (key: string) => view.rows.find((r) => r.key === key);
  expect(rowOf('feeSumamt')?.amountFen).toBe(3000);
  expect(rowOf('fundPay')?.amountFen).toBeGreaterThan(0);
  const optional = new Set(['acctMulaidPay', 'hospPart', 'othFee', 'deliveryFee']);
  for (const row of view.rows) {
    const shownRow = cashier.locator(`.cashier__row--${row.key} .cashier__row-value`);
    if (optional.has(row.key) && row.amountFen === 0) {
      await expect(shownRow.count()).resolves.toBe(0);
      continue;
    }
    await expect(shownRow.textContent()).resolves.toBe(yuan(row.amountFen));
  }
  // The parts add up to the total (the platform's numbers, nothing computed by the client).
  const parts = ['fundPay', 'psnAcctPay', 'acctMulaidPay', 'hospPart', 'othFee', 'cashPay'].reduce((s, k) => s + (rowOf(k)?.amountFen ?? 0), 0);
  expect(parts).toBe(3000);
  expect(view.cashDueFen).toBeGreaterThan(0);
  await expect(cashier.locator('.cashier__due-value').textContent()).resolves.toBe(yuan(view.cashDueFen));
  await expect(cashier.locator('.cashier__info--patient').textContent()).resolves.toContain(MASKED_PATIENT);
  await shot(patient, '05-cashier');

  // 确认支付 → the national APP's cashier page (mock) for the cash share → back to the result page.
  await cashier.locator('.cashier__pay').click();
  await patient.waitForURL((u) => u.href.startsWith(`${mockUrl()}/national-app/cashier`), { timeout: STEP_MS });
  await expect(patient.locator('body').textContent()).resolves.toContain(yuan(view.cashDueFen).slice(1));
  await shot(patient, '06-app-cashier');
  await patient.locator('button[value=pay]').click();
  await patient.waitForURL((u) => u.href.startsWith(base()) && u.hash.includes('pages/orders/result/index'), { timeout: STEP_MS });
  const paid = shown(patient, '.pay-result--paid');
  await paid.waitFor({ timeout: STEP_MS });
  await shot(patient, '07-paid');

  const status = await apiFromPage<{ state: string; consultationId: string | null }>(patient, `/api/v1/orders/${orderId}/status`);
  expect(status.status).toBe(200);
  expect(status.body.state).toBe('PAID');
  consultationId = status.body.consultationId ?? '';
  expect(consultationId).not.toBe('');

  await paid.locator('.pay-result__room').click();
  await patient.waitForURL(new RegExp(`packageConsult/pages/room/index\\?id=${consultationId}`), { timeout: STEP_MS });
  const room = shown(patient, '.room');
  await room.locator('.room-status--WAITING').waitFor({ timeout: STEP_MS });
  await expect(room.locator('.room__description-text').textContent()).resolves.toContain(DESCRIPTION);
  await expect(room.locator('.room__description-image').count()).resolves.toBe(1);
  await shot(patient, '08-room-waiting');
});

test('doctor: 待接诊 → accept → chat with the patient in near real time', async () => {
  expect(consultationId).not.toBe('');
  doctor = await newPage('doctor');
  await signInStaff(doctor, 'doctor01', 'Doctor@2026');
  await doctor.goto(route('packageDoctor/pages/index/index'));
  const workspace = shown(doctor, '.workspace');
  await waitForText(workspace.locator('.workspace__title'), '医生工作台');
  const card = workspace.locator(`.consultation-card[data-id="${consultationId}"]`);
  await card.waitFor({ timeout: STEP_MS });
  await expect(card.textContent()).resolves.toContain('高血压');
  await shot(doctor, '09-doctor-queue');
  await card.click();

  const consult = shown(doctor, '.consultation-page');
  await consult.locator('.ws-actions__accept').click({ timeout: STEP_MS });
  // Accepted: the page opens the chat and the patient's room follows without a reload.
  const chat = consult.locator('.ws-pane--chat:not(.ws-pane--hidden) .chat');
  await chat.locator('.chat__composer').waitFor({ timeout: STEP_MS });
  await shown(patient, '.room').locator('.room-status--IN_PROGRESS').waitFor({ timeout: STEP_MS });

  // The patient's room is on the WebSocket (not the long-poll fallback).
  await shown(patient, '.room').locator('.room-conn--live').waitFor({ timeout: STEP_MS });
  await field(chat, 'form-input--chat').fill(DOCTOR_SAYS);
  await chat.locator('.chat__send').click();
  await waitForText(chat.locator('.msg--mine'), DOCTOR_SAYS);
  const sentAt = Date.now();
  const room = shown(patient, '.room');
  await waitForText(room.locator('.msg--theirs'), DOCTOR_SAYS, 10_000);
  const pushDelay = Date.now() - sentAt;

  await field(room, 'room__input').fill(PATIENT_SAYS);
  await room.locator('.room__send').click();
  await waitForText(room.locator('.msg--mine:not(.msg--pending)'), PATIENT_SAYS);
  await waitForText(chat.locator('.msg--theirs'), PATIENT_SAYS, 10_000);
  // The doctor read it; the patient's message is marked 已读 in the room.
  await waitForText(room.locator('.msg--mine').filter({ hasText: PATIENT_SAYS }).locator('.msg__read--read'), '已读', 10_000);
  await shot(doctor, '10-doctor-chat');
  await shot(patient, '11-patient-chat');
  // Near real time: well under the long-poll period (25 s) and the queue poll (15 s).
  expect(pushDelay).toBeLessThan(10_000);
});

test('doctor: diagnosis from the catalog, prescription from the drug catalog, 签名提交', async () => {
  const consult = shown(doctor, '.consultation-page');
  await consult.locator('.ws-tab--rx').click();
  const rxPane = consult.locator('.ws-pane--rx');
  await rxPane.locator('.diagnosis-section__pick').click({ timeout: STEP_MS });
  // The picker starts with the re-visit disease's code.
  await doctor.locator(`.disease-option[data-code="${DIAGNOSIS}"]`).first().click({ timeout: STEP_MS });
  await rxPane.locator('.diagnosis-section__save').click();
  await rxPane.locator(`.diagnosis-section__current[data-code="${DIAGNOSIS}"]`).waitFor({ timeout: STEP_MS });

  // With a diagnosis saved, 开具处方 is enabled (the section says so in words).
  await waitForText(rxPane.locator('.prescription-section__none'), '尚未开具处方');
  await rxPane.locator('.prescription-section__new').click();
  const editor = rxPane.locator('.rx-editor');
  await editor.locator('.rx-editor__add').click({ timeout: STEP_MS });
  const picker = doctor.locator('.drug-picker__search').filter({ visible: true });
  await field(picker, 'search-bar__input', 'input').fill('氨氯地平');
  await picker.locator('.search-bar__submit').click();
  await doctor.locator(`.drug-option--enabled[data-code="${DRUG_CODE}"]`).click({ timeout: STEP_MS });

  const line = editor.locator('.rx-line').first();
  await waitForText(line.locator('.rx-line__name'), '苯磺酸氨氯地平片');
  // Price from the catalog, never typed.
  await expect(line.locator('.rx-line__facts').textContent()).resolves.toContain('¥1.72');
  await field(line, 'form-input--dosage-0', 'input').fill('每次1片');
  await line.locator('.choice--frequency-0 .choice__item--f0').click(); // 每日一次
  await line.locator('.choice--route-0 .choice__item--r0').click(); // 口服
  await field(line, 'form-input--days-0', 'input').fill('28');
  await field(line, 'form-input--quantity-0', 'input').fill('1');
  await shot(doctor, '12-rx-editor');
  await editor.locator('.rx-editor__save').click();

  const sheet = rxPane.locator('.rx-sheet--draft');
  await sheet.waitFor({ timeout: STEP_MS });
  await expect(sheet.locator('.rx-sheet__total-value').textContent()).resolves.toBe('¥1.72');
  await rxPane.locator('.prescription-section__submit').click();
  // Taro's H5 modal (its wrapper has no box of its own: look for the visible content).
  const modal = doctor.locator('.taro__modal .taro-modal__content').filter({ visible: true });
  await waitForText(modal.locator('.taro-modal__title'), '签名并提交审核');
  await modal.locator('.taro-model__confirm').filter({ hasText: '签名提交' }).click();
  const pending = rxPane.locator('.rx-sheet--pending_review');
  await pending.waitFor({ timeout: STEP_MS });
  await waitForText(pending.locator('.prescription-section__waiting'), '等待药师审核');
  await expect(pending.locator('.rx-signature__doctor').getAttribute('class')).resolves.toContain('rx-signature__row--signed');
  await shot(doctor, '13-rx-submitted');

  const list = await apiFromPage<{ items: { id: string; status: string; nextId: string | null }[] }>(doctor, `/api/v1/workspace/consultations/${consultationId}/prescriptions`);
  const current = list.body.items.find((p) => p.status === 'PENDING_REVIEW' && !p.nextId);
  expect(current).toBeDefined();
  prescriptionId = current!.id;
  // Nothing reaches the patient before the pharmacist approves.
  await expect(shown(patient, '.room').locator('.msg-rx').count()).resolves.toBe(0);
});

test('pharmacist: 待审核 → verified signature → comment → 审核通过', async () => {
  expect(prescriptionId).not.toBe('');
  pharmacist = await newPage('pharmacist');
  await signInStaff(pharmacist, 'pharm01', 'Pharm@2026');
  await pharmacist.goto(route('packageDoctor/pages/index/index'));
  const workspace = shown(pharmacist, '.workspace');
  await waitForText(workspace.locator('.workspace__title'), '药师审方');
  await workspace.locator('.ws-tab--PENDING_REVIEW.ws-tabs__tab--active').waitFor({ timeout: STEP_MS });
  const card = workspace.locator(`.review-card[data-id="${prescriptionId}"]`);
  await card.waitFor({ timeout: STEP_MS });
  await card.click();

  const review = shown(pharmacist, '.review-page');
  await review.locator('.rx-verify--valid').waitFor({ timeout: STEP_MS });
  await expect(review.locator('.rx-sheet').textContent()).resolves.toContain('苯磺酸氨氯地平片');
  await field(review, 'form-input--comment').fill('剂量合理，注意监测血压。');
  await shot(pharmacist, '14-review');
  await review.locator('.review-form__approve').click();
  await review.locator('.review-done').waitFor({ timeout: STEP_MS });
  await review.locator('.rx-sheet--approved').waitFor({ timeout: STEP_MS });
  await expect(review.locator('.rx-signature__pharmacist').getAttribute('class')).resolves.toContain('rx-signature__row--signed');
  await shot(pharmacist, '15-approved');
});

test('patient: the prescription card arrives in the room → approved, both signatures, verified', async () => {
  const room = shown(patient, '.room');
  const card = room.locator('.msg-rx');
  await card.waitFor({ timeout: STEP_MS });
  await shot(patient, '16-room-rx');
  await card.click();

  await patient.waitForURL(new RegExp(`packageConsult/pages/prescription/index\\?id=${prescriptionId}`), { timeout: STEP_MS });
  const rxPage = shown(patient, '.rx-page');
  const sheet = rxPage.locator('.rx-sheet--approved');
  await sheet.waitFor({ timeout: STEP_MS });
  await expect(sheet.locator('.rx-signature__doctor').getAttribute('class')).resolves.toContain('rx-signature__row--signed');
  await expect(sheet.locator('.rx-signature__pharmacist').getAttribute('class')).resolves.toContain('rx-signature__row--signed');
  await expect(sheet.locator('.rx-sheet__doctor').textContent()).resolves.toContain(DOCTOR);
  await expect(sheet.locator('.rx-sheet__diagnosis').textContent()).resolves.toContain('高血压');
  await expect(sheet.locator('.rx-sheet__total-value').textContent()).resolves.toBe('¥1.72');
  await rxPage.locator('.rx-verify--valid').waitFor({ timeout: STEP_MS });
  await waitForText(rxPage.locator('.rx-page__status--approved'), '药师审核通过');
  await rxPage.locator('.rx-page__pay').waitFor({ timeout: STEP_MS });
  await shot(patient, '17-prescription');

  const rx = await apiFromPage<{ status: string; payable: boolean }>(patient, `/api/v1/prescriptions/${prescriptionId}`);
  expect(rx.status).toBe(200);
  expect(rx.body.status).toBe('APPROVED');
  expect(rx.body.payable).toBe(true);
  expect(pageErrors).toEqual([]);
});
