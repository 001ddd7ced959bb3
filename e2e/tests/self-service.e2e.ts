/**
 * 医保服务大厅 in the H5 (issue 7): the demo patient (张建国, signed in through the national APP)
 * files a remote-care filing (异地长期居住人员备案, with the personal promise instead of the
 * residence proof) and a resident refund request (城乡居民医保个人退费, bank card and uploads),
 * each through hall → item → form → review → application, and follows both to 办结 while the
 * insurance agency mock is scripted step by step over its admin API. The refund goes through one
 * "supplement once" (一次性告知补正) round. Then the filing is listed under 我的异地备案 and every
 * status change has left an unread notification.
 *
 * The agency mock is set to manual steps for both items (auto: false), so each status is reached
 * when the test says so; the BFF hears of it by the agency's signed notify, and the page shows it
 * after 刷新进度.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { join } from 'node:path';
import { ARTIFACTS, launchChromium, PHONE } from '../src/browser';
import { apiFromPage, route, signInPatient } from '../src/flows';
import { advanceAgency, agencyAppNo, luhnCard, scriptAgency, stepStates, uploadPng, waitForBffStatus, type AppDetail } from '../src/ss-steps';

const FILING = 'remote-filing-residence';
const REFUND = 'resident-refund';
const PHONE_NO = '13909512345';
const BANK_CARD = luhnCard('621226020000123456'); // 19 digits, Luhn-valid: no warning on the form
const T = { timeout: 20_000 };

/** Today in China (the BFF's and the date picker's "today"). */
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const shot = (page: Page, step: string) => page.screenshot({ path: join(ARTIFACTS, `h5-self-service-${step}.png`), fullPage: true, animations: 'disabled' });
const text = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchChromium();
  context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signInPatient(page);
  await page.close();
  // The agency moves both items only when told to (default: a step every 3 s by itself).
  await scriptAgency(FILING, { outcome: 'complete', auto: false });
  await scriptAgency(REFUND, {
    outcome: 'supplement_once',
    auto: false,
    supplementItems: [{ code: 'm2', name: '退费原因证明材料', reason: '户口迁出证明照片不清晰，请重新拍摄上传（四角完整、印章清楚）' }],
  });
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

/** A new tab on the hall (earlier pages of a tab stay in the DOM; a new tab starts clean). */
async function openHall(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(route('packageSelfService/pages/index/index'));
  await page.locator('.ss-hall .ss-item-card').first().waitFor(T);
  return page;
}

/** Hall → item page: the time limit and the BFF's due date (working days) are shown. */
async function openItem(page: Page, code: string, title: string, limit: string): Promise<Locator> {
  const card = page.locator(`.ss-hall .ss-item--${code}`);
  await expect(text(card)).resolves.toContain(title);
  await expect(card.locator('.ss-mode--online').count()).resolves.toBe(1);
  await card.click();
  const item = page.locator('.ss-page.ss-item');
  await item.locator('.ss-item__title', { hasText: title }).waitFor(T);
  await expect(text(item.locator('.ss-item__limit'))).resolves.toContain(limit);
  const detail = await apiFromPage<{ dueIfSubmittedToday: { date: string } | null }>(page, `/api/v1/self-service/items/${code}`);
  expect(detail.status).toBe(200);
  const due = detail.body.dueIfSubmittedToday!.date;
  expect(due > chinaToday()).toBe(true);
  await expect(text(item.locator('.ss-item__due'))).resolves.toContain(`${due} 前办结`);
  return item;
}

/** Item page → form (scoped to the form of this item); the patient 本人 is chosen by default. */
async function openForm(page: Page, item: Locator, title: string): Promise<Locator> {
  await item.locator('.ss-item__apply').click();
  const form = page.locator('.ss-page.ss-apply', { has: page.locator('.ss-apply__title', { hasText: title }) });
  await form.locator('.ss-patient--SELF.ss-option--selected').waitFor(T);
  return form;
}

/** Form → review (next), confirm and submit → the application page; returns its root and id. */
async function submitFromReview(page: Page, review: Locator): Promise<{ app: Locator; id: string }> {
  await review.locator('.ss-review__confirm').click();
  await review.locator('.ss-review__confirm--checked').waitFor(T);
  await review.locator('.ss-review__submit').click();
  await page.waitForURL(/packageSelfService\/pages\/application\/index\?id=/, T);
  const id = /[?&]id=([0-9a-f-]{36})/.exec(page.url())?.[1];
  expect(id).toBeTruthy();
  const app = page.locator('.ss-page.ss-application');
  await app.locator('.ss-status--SUBMITTED').waitFor(T);
  return { app, id: id! };
}

/**
 * The agency takes one step; once the BFF has it, 刷新进度 shows it: status tag and progress bar
 * (the BFF's steps, which the test also checks against what it expects).
 */
async function agencyStep(page: Page, app: Locator, id: string, agencyNo: string, status: string, steps: [string, string][]): Promise<AppDetail> {
  await expect(advanceAgency(agencyNo)).resolves.toBe(status);
  const detail = await waitForBffStatus(page, id, status);
  await app.locator('.ss-application__refresh').click();
  await app.locator(`.ss-status--${status}`).waitFor(T);
  await expect(stepStates(app.locator('.ss-application__progress'))).resolves.toEqual(steps);
  expect(detail.steps.map((s) => [s.name, s.state])).toEqual(steps);
  return detail;
}

test('remote-care filing (异地长期居住, personal promise): hall → form → review → submitted → accepted → reviewing → 办结, filing active', async () => {
  const page = await openHall();
  const title = '异地长期居住人员备案';
  const item = await openItem(page, FILING, title, '不超过2个工作日');
  await expect(stepStates(item)).resolves.toEqual([['申请', 'todo'], ['受理', 'todo'], ['审核', 'todo'], ['办结', 'todo']]);
  await shot(page, 'filing-item');

  const form = await openForm(page, item, title);
  await form.locator('.choice--insutype .choice__item--310').click();
  // 就医地: 四川省 → 成都市 (city level).
  await form.locator('.ss-area--place .ss-area__value').click();
  await form.locator('.ss-area--place .ss-area__province--510000').click();
  await form.locator('.ss-area--place .ss-area__city--510100').click();
  await expect(text(form.locator('.ss-area--place .ss-area__value'))).resolves.toBe('四川省 成都市');
  // 备案开始日期: the H5 picker (its sheet is moved to <body>) opens on today; 确定 takes it.
  await form.locator('.ss-date--startDate .ss-form__picker').click();
  const ok = page.locator('.weui-picker__action:visible', { hasText: '确定' });
  await ok.click();
  await ok.waitFor({ state: 'hidden', ...T });
  await expect(text(form.locator('.ss-date--startDate .ss-form__picker'))).resolves.toBe(chinaToday());
  await form.locator('.form-input--address input').fill('四川省成都市武侯区人民南路四段9号');
  await form.locator('.form-input--phone input').fill(PHONE_NO);
  // 长期居住认定材料: the personal promise instead of the residence proof.
  await form.locator('.ss-material--m3 .choice--promise-m3 .choice__item--promise').click();
  await expect(text(form.locator('.ss-material--m3 .ss-material__promise-text'))).resolves.toContain('本人在就医地长期居住');
  await expect(form.locator('.ss-material--by-form').count()).resolves.toBe(2);
  await shot(page, 'filing-form');
  await form.locator('.ss-apply__next').click();

  const review = page.locator('.ss-page.ss-review');
  await review.locator('.ss-review__title', { hasText: title }).waitFor(T);
  const phone = await text(review.locator('.ss-value--phone .ss-panel__value'));
  expect(phone).toMatch(/^139\*{4}2345$/);
  await expect(text(review.locator('.ss-value--place'))).resolves.toContain('成都市');
  await expect(text(review.locator('.ss-value--startDate'))).resolves.toContain(chinaToday());
  await expect(text(review.locator('.ss-review__material--m3 .ss-review__promise'))).resolves.toContain('个人承诺书');
  await expect(text(review.locator('.ss-review__due-date'))).resolves.toMatch(/\d{4}-\d{2}-\d{2} 前办结/);
  expect(await text(review)).not.toContain(PHONE_NO);
  await shot(page, 'filing-review');

  const { app, id } = await submitFromReview(page, review);
  await expect(stepStates(app)).resolves.toEqual([['申请', 'done'], ['受理', 'current'], ['审核', 'todo'], ['办结', 'todo']]);
  await expect(text(app.locator('.ss-application__deadline'))).resolves.toMatch(/预计 \d{4}-\d{2}-\d{2} 前办结（2 个工作日）/);
  await shot(page, 'filing-submitted');

  const no = await agencyAppNo(FILING);
  await agencyStep(page, app, id, no, 'ACCEPTED', [['申请', 'done'], ['受理', 'done'], ['审核', 'current'], ['办结', 'todo']]);
  await agencyStep(page, app, id, no, 'REVIEWING', [['申请', 'done'], ['受理', 'done'], ['审核', 'current'], ['办结', 'todo']]);
  const done = await agencyStep(page, app, id, no, 'COMPLETED', [['申请', 'done'], ['受理', 'done'], ['审核', 'done'], ['办结', 'done']]);

  // 办结: the filing record on the application page, active, 成都市, long-term.
  expect(done.filing?.status).toBe('active');
  const filing = app.locator('.ss-filing--active');
  await filing.waitFor(T);
  await expect(text(filing)).resolves.toContain('成都市');
  await expect(text(filing)).resolves.toContain('长期备案');
  await expect(text(filing)).resolves.toContain(done.filing!.filingNo);
  await expect(app.locator('.ss-application__refresh').count()).resolves.toBe(0);
  await shot(page, 'filing-completed');
  await page.close();
});

test('resident refund (城乡居民医保个人退费) with one supplement round: submitted → accepted → 待补正 → resubmitted → reviewing → 拨付 → 办结', async () => {
  const page = await openHall();
  const title = '城乡居民医保个人退费';
  const item = await openItem(page, REFUND, title, '不超过20个工作日');
  await expect(stepStates(item)).resolves.toEqual([['申请', 'todo'], ['受理', 'todo'], ['审核', 'todo'], ['拨付', 'todo'], ['办结', 'todo']]);
  await shot(page, 'refund-item');

  const form = await openForm(page, item, title);
  const nextYear = String(Number(chinaToday().slice(0, 4)) + 1);
  await form.locator('.choice--reason .choice__item--MOVED_OUT').click();
  await form.locator(`.choice--premiumYear .choice__item--${nextYear}`).click();
  await form.locator('.form-input--accountHolder input').fill('张建国');
  await form.locator('.form-input--bankName input').fill('中国工商银行银川分行');
  await form.locator('.form-input--bankAccount input').fill(BANK_CARD);
  await form.locator('.form-input--phone input').fill(PHONE_NO);
  await uploadPng(page, form.locator('.ss-material--m1'), 'shebaoka.png');
  await uploadPng(page, form.locator('.ss-material--m2'), 'hukou-qianchu.png');
  await expect(form.locator('.form-field--invalid').count()).resolves.toBe(0);
  await expect(form.locator('.ss-form__warning--bankAccount').count()).resolves.toBe(0);
  await shot(page, 'refund-form');
  await form.locator('.ss-apply__next').click();

  const review = page.locator('.ss-page.ss-review');
  await review.locator('.ss-review__title', { hasText: title }).waitFor(T);
  await expect(text(review.locator('.ss-value--bankAccount .ss-panel__value'))).resolves.toBe(`${BANK_CARD.slice(0, 4)} **** **** ${BANK_CARD.slice(-4)}`);
  await expect(text(review.locator('.ss-value--phone .ss-panel__value'))).resolves.toMatch(/^139\*{4}2345$/);
  await expect(text(review.locator('.ss-value--accountHolder .ss-panel__value'))).resolves.toBe('张*国');
  await expect(text(review.locator('.ss-value--premiumYear'))).resolves.toContain(nextYear);
  await expect(text(review.locator('.ss-review__material--m1'))).resolves.toContain('已上传 1 个文件');
  await expect(text(review.locator('.ss-review__material--m2'))).resolves.toContain('已上传 1 个文件');
  const whole = await text(review);
  expect(whole).not.toContain(BANK_CARD);
  expect(whole).not.toContain(PHONE_NO);
  expect(whole).not.toContain('张建国');
  await shot(page, 'refund-review');

  const { app, id } = await submitFromReview(page, review);
  await expect(stepStates(app)).resolves.toEqual([['申请', 'done'], ['受理', 'current'], ['审核', 'todo'], ['拨付', 'todo'], ['办结', 'todo']]);
  await expect(text(app.locator('.ss-application__deadline'))).resolves.toMatch(/预计 \d{4}-\d{2}-\d{2} 前办结（20 个工作日）/);

  const no = await agencyAppNo(REFUND);
  await agencyStep(page, app, id, no, 'ACCEPTED', [['申请', 'done'], ['受理', 'done'], ['审核', 'current'], ['拨付', 'todo'], ['办结', 'todo']]);
  // 一次性告知补正: the agency asks for the refund-reason proof again.
  await agencyStep(page, app, id, no, 'SUPPLEMENT_REQUIRED', [['申请', 'done'], ['受理', 'attention'], ['审核', 'todo'], ['拨付', 'todo'], ['办结', 'todo']]);
  const supplement = app.locator('.ss-supplement');
  await supplement.waitFor(T);
  await expect(text(supplement.locator('.ss-supplement__item--m2'))).resolves.toContain('户口迁出证明照片不清晰');
  await expect(text(supplement.locator('.ss-material--m2 .ss-material__request'))).resolves.toContain('需补正');
  await shot(page, 'refund-supplement-asked');
  // Without the new upload and the confirmation nothing is sent.
  await supplement.locator('.ss-supplement__submit').click();
  await supplement.locator('.ss-material--m2.ss-material--invalid').waitFor(T);
  await uploadPng(page, supplement.locator('.ss-material--m2'), 'hukou-qianchu-qingxi.png');
  await supplement.locator('.ss-supplement__confirm').click();
  await supplement.locator('.ss-supplement__confirm--checked').waitFor(T);
  await shot(page, 'refund-supplement-filled');
  await supplement.locator('.ss-supplement__submit').click();
  // The agency takes the resubmission straight to 审核.
  await app.locator('.ss-status--REVIEWING').waitFor(T);
  await expect(app.locator('.ss-supplement').count()).resolves.toBe(0);
  await expect(stepStates(app.locator('.ss-application__progress'))).resolves.toEqual([['申请', 'done'], ['受理', 'done'], ['审核', 'current'], ['拨付', 'todo'], ['办结', 'todo']]);
  const afterSupplement = await apiFromPage<AppDetail & { materials: { code: string; fileIds: string[] }[] }>(page, `/api/v1/self-service/applications/${id}`);
  expect(afterSupplement.body.status).toBe('REVIEWING');
  expect(afterSupplement.body.materials.map((m) => [m.code, m.fileIds.length]).sort()).toEqual([['m1', 1], ['m2', 1]]);
  await shot(page, 'refund-resubmitted');

  await agencyStep(page, app, id, no, 'DISBURSING', [['申请', 'done'], ['受理', 'done'], ['审核', 'done'], ['拨付', 'current'], ['办结', 'todo']]);
  const done = await agencyStep(page, app, id, no, 'COMPLETED', [['申请', 'done'], ['受理', 'done'], ['审核', 'done'], ['拨付', 'done'], ['办结', 'done']]);
  expect(done.paidAmountFen).toBe(40_000);
  await expect(text(app.locator('.ss-application__paid'))).resolves.toContain('400.00');
  await expect(text(app.locator('.ss-application__history'))).resolves.toContain('待补正材料');
  await shot(page, 'refund-completed');
  await page.close();
});

test('the filing is listed as active under 我的异地备案, and every status change left an unread notification', async () => {
  const page = await openHall();
  await page.locator('.ss-hall .ss-shortcut--filings').click();
  const filings = page.locator('.ss-page.ss-filings');
  const filing = filings.locator('.ss-filing--active');
  await filing.waitFor(T);
  await expect(filing.count()).resolves.toBe(1);
  await expect(text(filing)).resolves.toContain('成都市');
  await expect(text(filing)).resolves.toContain('异地长期居住');
  await shot(page, 'filings');
  await page.close();

  const hall = await openHall();
  // Filing: submitted, accepted, reviewing, completed; refund: + supplement and disbursing.
  const unread = await apiFromPage<{ unread: number }>(hall, '/api/v1/notifications/unread-count');
  expect(unread.status).toBe(200);
  expect(unread.body.unread).toBe(10);
  await expect(text(hall.locator('.ss-shortcut--notifications .ss-badge-count'))).resolves.toBe('10');
  await hall.locator('.ss-hall .ss-shortcut--notifications').click();
  const list = hall.locator('.ss-page.ss-notifications');
  await list.locator('.ss-notice--unread').first().waitFor(T);
  await expect(list.locator('.ss-notice--unread').count()).resolves.toBe(10);
  await expect(text(list.locator('.ss-notifications__count'))).resolves.toBe('10 条未读');
  const titles = await list.locator('.ss-notice--unread .ss-notice__title').allTextContents();
  for (const t of [
    '异地长期居住人员备案：已提交',
    '异地长期居住人员备案：已受理',
    '异地长期居住人员备案：已办结',
    '城乡居民医保个人退费：待补正材料',
    '城乡居民医保个人退费：拨付中',
    '城乡居民医保个人退费：已办结',
  ]) {
    expect(titles).toContain(`【未读】${t}`);
  }
  await shot(hall, 'notifications');
  await hall.close();
});
