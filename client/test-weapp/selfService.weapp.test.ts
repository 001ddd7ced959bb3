/**
 * 医保服务大厅 in the real WeChat build (client/dist/weapp, subpackage packageSelfService): the
 * hall from the BFF's catalog → an online item (materials, due date, steps) → its form rendered
 * from the field specs; and an offline-only item with where to go and no form. The catalog is
 * the checked-in data generated from seed 002. `npm run build:weapp` first (root `npm test` does it).
 */
import { API_PREFIX, SelfServiceItemDetailSchema, SelfServiceItemSchema } from '@ih/contract';
import { json, launch, type MiniProgram } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const raw = require('../../prisma/src/seed/data/selfServiceItems.json') as { items?: unknown[] } | unknown[];
const ITEMS = (Array.isArray(raw) ? raw : (raw.items ?? [])).map((i) => SelfServiceItemSchema.parse(i));
const detail = (code: string) => {
  const it = ITEMS.find((i) => i.code === code)!;
  return SelfServiceItemDetailSchema.parse({ ...it, dueIfSubmittedToday: it.mode === 'online' ? { date: '2026-12-08', workingDays: 2, calendarDays: null, estimated: false } : null });
};
const summaries = ITEMS.map((i) => ({ code: i.code, seq: i.seq, name: i.name, title: i.title, category: i.category, audience: i.audience, mode: i.mode, timeLimit: i.timeLimit, steps: i.steps, sort: i.sort, filingKind: i.filingKind, queryPage: i.queryPage }));
const P1 = '0190a000-0000-7000-8000-000000000001';
const SESSION = { 'ih.session.token': 'ih_at_sim', 'ih.session.refresh': 'ih_rt_sim' };

let mp: MiniProgram | undefined;
afterEach(async () => {
  const closing = mp;
  mp = undefined;
  await closing?.close();
});

test('hall → online item (materials, due date, steps) → the form from its field specs', async () => {
  mp = await launch({
    followNavigation: true,
    storage: SESSION,
    routes: {
      [`GET ${API_PREFIX}/self-service/items`]: () => json({ items: summaries }),
      [`GET ${API_PREFIX}/notifications/unread-count`]: () => json({ unread: 2 }),
      [`GET ${API_PREFIX}/self-service/items/:code`]: (req) => json(detail(req.params.code!)),
      [`GET ${API_PREFIX}/patients`]: () =>
        json({ items: [{ id: P1, relationship: 'SELF', nameMasked: '张*国', idType: 'ID_CARD', idNumberMasked: '640***********0131', phoneMasked: null, gender: 'MALE', age: 58, isDefault: true, fromVoucher: true, createdAt: '2026-11-22T00:00:00.000Z' }], limit: 10 }),
    },
  });

  const hall = await mp.openPage('/packageSelfService/pages/index/index');
  const card = await hall.waitFor('.ss-item--remote-filing-residence');
  expect(card.get('.ss-item-card__name').text).toBe('异地长期居住人员备案');
  expect(card.get('.ss-mode--online').text).toBe('在线办理');
  expect(hall.get('.ss-item--flexible-suspend .ss-mode--offline').text).toBe('线下办理');
  expect(hall.queryAll('.ss-category__title').map((e) => e.text).slice(0, 2)).toEqual(['参保登记', '异地就医备案']);
  await hall.waitFor(() => hall.queryAll('.ss-badge-count')[0]?.text === '2');
  await card.tap();

  const itemPage = await mp.waitForPage('/packageSelfService/pages/item/index');
  await itemPage.waitFor('.ss-item__due');
  expect(itemPage.get('.ss-item__due').text).toBe('今天提交，预计 2026-12-08 前办结（2 个工作日）。');
  expect(itemPage.get('.ss-material-spec--m3').text).toMatch(/可用个人承诺书代替/);
  expect(itemPage.queryAll('.ss-steps__label').map((e) => e.text)).toEqual(['申请', '受理', '审核', '办结']);
  await itemPage.tap('.ss-item__apply');

  const apply = await mp.waitForPage('/packageSelfService/pages/apply/index');
  await apply.waitFor('.ss-patient--SELF');
  expect(apply.get('.ss-apply__title').text).toBe('异地长期居住人员备案');
  expect(apply.get('.form-field--insutype .form-field__label').text).toBe('参保险种');
  expect(apply.queryAll('.choice--insutype .choice__item').map((e) => e.text)).toEqual(['职工基本医疗保险', '城乡居民基本医疗保险']);
  expect(apply.get('.ss-area--place')).toBeTruthy();
  expect(apply.get('.ss-material--m3 .choice--promise-m3')).toBeTruthy();
  // Nothing entered: the contract's messages on the fields, nothing sent.
  await apply.tap('.ss-apply__next');
  await apply.waitFor('.form-field--insutype .form-field__error');
  expect(apply.get('.form-field--insutype .form-field__error').text).toBe('请选择参保险种');
  expect(apply.get('.form-field--phone .form-field__error').text).toBe('请填写联系电话');
  expect(mp.requests.filter((r) => r.path.endsWith('/self-service/validate'))).toHaveLength(0);
  // The city picker works in the mini-program: province → city.
  await apply.tap('.ss-area--place .ss-area__value');
  await apply.tap('.ss-area__province--510000');
  await apply.tap('.ss-area__city--510100');
  expect(apply.get('.ss-area--place .ss-area__value').text).toBe('四川省 成都市');
});

test('an offline-only item shows materials and where to go, and no form', async () => {
  mp = await launch({
    storage: SESSION,
    routes: { [`GET ${API_PREFIX}/self-service/items/:code`]: (req) => json(detail(req.params.code!)) },
  });
  const page = await mp.openPage('/packageSelfService/pages/item/index', { query: { code: 'flexible-suspend' } });
  await page.waitFor('.ss-item__offline');
  expect(page.get('.ss-item__where').text).toBe('办理地点：参保地医保经办机构服务窗口');
  expect(page.queryAll('.ss-material-spec')).toHaveLength(2);
  expect(page.queryAll('.ss-item__apply')).toHaveLength(0);
  expect(page.queryAll('.form-input')).toHaveLength(0);
});
