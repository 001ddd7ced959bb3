/**
 * Contract tests: the BFF's mobile-pay center client against the mock over HTTP (real envelope,
 * real keys, real split rules), normal flow, refusals and every fault.
 */
import { PlatformError } from '../../src/platforms/http';
import { MobilePayInvariantError, assertNotifyMatchesOrder, classifyOrdStas, type PayOrderResult } from '../../src/platforms/mobile-pay';
import { ITEMS, PSN, feeUpload, identity, platformErrorOf, startHarness, type Harness, type Line } from './mobile-pay-helpers';

jest.setTimeout(30_000);

const BASKET: Line[] = [
  { item: ITEMS.consult, cnt: 1 },
  { item: ITEMS.drugA, cnt: 2 },
  { item: ITEMS.drugB, cnt: 1 },
  { item: ITEMS.drugSelf, cnt: 1 },
];

/** The documented split rules, written out independently of the mock's code. */
function expectedSplit(lines: Line[], insutype: string, acctUsed: boolean, balanceFen: number) {
  let fee = 0;
  let inScope = 0;
  for (const l of lines) {
    const f = l.item.priceFen * l.cnt;
    fee += f;
    const cls = l.item.cls;
    if (cls === 'A') inScope += f;
    else if (cls === 'B') inScope += f - Math.floor((f * 10 + 50) / 100); // 10 % self-payment, half-up
  }
  const pct = insutype === '310' ? 85 : insutype === '390' ? 60 : 50;
  const fund = Math.floor((inScope * pct + 50) / 100);
  const personal = fee - fund;
  const acct = insutype === '310' && acctUsed ? Math.min(personal, balanceFen) : 0;
  return { fee, fund, acct, cash: personal - acct };
}

describe('mobile-pay center client ↔ mock (contract)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  beforeEach(async () => {
    await h.mock.notifier.idle();
    h.mock.reset();
    h.faults.clear();
    h.received.length = 0;
    h.events.length = 0;
  });

  const grant = (psnNo: string, opts: Parameters<Harness['mock']['state']['issuePayAuthNo']>[1] = {}) => h.mock.state.issuePayAuthNo(psnNo, { channel: 'test', ...opts }).payAuthNo;

  /** 6201 + 6202 for a person; returns what the client saw. */
  async function upAndPay(psnNo: string, opts: { acctUsed?: boolean; lines?: Line[]; payAuthNo?: string } = {}) {
    const payAuthNo = opts.payAuthNo ?? grant(psnNo);
    const req = feeUpload(h, psnNo, { payAuthNo }, opts.lines ?? BASKET, { acctUsedFlag: opts.acctUsed ?? true });
    const up = await h.client.uploadFees(req);
    const pay = await h.client.payOrder({
      payOrdId: up.payOrdId,
      payToken: up.payToken,
      credential: { payAuthNo },
      orgBizSer: `BIZ-${req.medOrgOrd}`,
      chrgBchno: req.chrgBchno,
      feeType: '01',
      acctUsedFlag: opts.acctUsed ?? true,
      expectedFeeSumamtFen: req.medfeeSumamtFen,
    });
    return { req, up, pay, payAuthNo };
  }

  async function complete(payOrdId: string, body: Record<string, unknown> = {}) {
    const res = await fetch(`${h.baseUrl}/__admin/orders/${payOrdId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const query = (psnNo: string, up: { payOrdId: string; payToken: string }, expected?: { medOrgOrd?: string; feeSumamtFen?: number }) =>
    h.client.querySettlement({ payOrdId: up.payOrdId, payToken: up.payToken, ...identity(h, psnNo), ...(expected ? { expected } : {}) });

  const parts = (p: PayOrderResult) => ({ fee: p.feeSumamtFen, fund: p.fundPayFen, acct: p.psnAcctPayFen, cash: p.ownPayAmtFen });

  // ── person lookup ───────────────────────────────────────────

  describe('1101 person lookup after authorization', () => {
    it('returns psnNo, insutype, 参保地, balance and voucher/suspension flags of the authorizing person', async () => {
      const info = await h.client.lookupPerson({ payAuthNo: grant(PSN.zhang) });
      expect(info.psnNo).toBe(PSN.zhang);
      expect(info.insurances[0]).toMatchObject({ insutype: '310', insuplcAdmdvs: '640100', balcFen: 128_000 });
      expect(info.voucherActivated).toBe(true);
      expect(info.onlinePaySuspended).toBe(false);
      expect(info.insuplcName).toBe('银川市');
      const ma = await h.client.lookupPerson({ payAuthNo: grant(PSN.ma) });
      expect(ma.onlinePaySuspended).toBe(true);
      expect(ma.onlinePaySuspendedReason).toContain('暂停');
    });

    it('a family authorization covers a linked member; someone else is refused', async () => {
      const fam = grant(PSN.zhang, { family: true });
      const li = await h.client.lookupPerson({ payAuthNo: fam, certno: identity(h, PSN.li).idNo });
      expect(li).toMatchObject({ psnNo: PSN.li, insurances: [expect.objectContaining({ insutype: '390' })] });
      const e = await platformErrorOf(h.client.lookupPerson({ payAuthNo: grant(PSN.zhang), certno: identity(h, PSN.li).idNo }));
      expect(e).toMatchObject({ kind: 'rejected', code: '200003' });
      const e2 = await platformErrorOf(h.client.lookupPerson({ payAuthNo: fam, certno: identity(h, PSN.wang).idNo }));
      expect(e2.code).toBe('200003');
    });

    it('looks up by ID number; an expired payAuthNo is refused', async () => {
      const wang = await h.client.lookupPerson({ certno: identity(h, PSN.wang).idNo });
      expect(wang.insurances[0]).toMatchObject({ insutype: '390', insuplcAdmdvs: '640300', balcFen: 0 });
      const short = grant(PSN.zhang, { ttlSeconds: 0.05 });
      await new Promise((r) => setTimeout(r, 80));
      expect(await platformErrorOf(h.client.lookupPerson({ payAuthNo: short }))).toMatchObject({ kind: 'rejected', code: '200001' });
    });

    it('a person whose voucher is not activated gets no payAuthNo', () => {
      expect(() => h.mock.state.issuePayAuthNo(PSN.liu, {})).toThrow(expect.objectContaining({ reason: 'VOUCHER_NOT_ACTIVATED' }));
      expect(() => h.mock.state.issuePayAuthNo(PSN.zhangzh, {})).toThrow(expect.objectContaining({ reason: 'VOUCHER_NOT_ACTIVATED' }));
    });
  });

  // ── the normal flow ─────────────────────────────────────────

  describe('6201 → 6202 → confirm → 6302 → 6301 → 6203', () => {
    it('settles an employee order with the personal account, notifies, and refunds ALL back to the account', async () => {
      const { req, up, pay } = await upAndPay(PSN.zhang);
      expect(up.payOrdId).toMatch(/^ORD640100\d{21}$/);
      expect(pay.ordStas).toBe('1');
      expect(pay.ordStasClass).toBe('processing');
      const want = expectedSplit(BASKET, '310', true, 128_000);
      expect(parts(pay)).toEqual(want);
      expect(want).toEqual({ fee: 9729, fund: 4429, acct: 5300, cash: 0 });
      expect(pay.preSetl).toMatchObject({ insutype: '310', psn_no: PSN.zhang });

      // A 6202 success is not "paid".
      const before = await query(PSN.zhang, up);
      expect(before.settled).toBe(false);
      expect(before.ordStasClass).toBe('processing');

      // The user confirms in the channel's cashier → the center settles and sends 6302.
      expect((await complete(up.payOrdId)).status).toBe(200);
      const [n] = await h.waitForNotifies(1);
      expect(n!.error).toBeUndefined();
      expect(n!.event).toMatchObject({ payOrdId: up.payOrdId, callType: '02', medOrgOrd: req.medOrgOrd, feeSumamtFen: 9729, fundPayFen: 4429, psnAcctPayFen: 5300, ownPayAmtFen: 0, setlType: 'HI', ordStasClass: 'settled_candidate' });
      expect(() => assertNotifyMatchesOrder(n!.event!, { payOrdId: up.payOrdId, medOrgOrd: req.medOrgOrd, feeSumamtFen: pay.feeSumamtFen, ownPayAmtFen: pay.ownPayAmtFen, psnAcctPayFen: pay.psnAcctPayFen, fundPayFen: pay.fundPayFen })).not.toThrow();
      await h.mock.notifier.idle();
      expect(h.mock.notifier.deliveries).toEqual([expect.objectContaining({ acked: true, status: 200 })]);

      const settled = await query(PSN.zhang, up, { medOrgOrd: req.medOrgOrd, feeSumamtFen: 9729 });
      expect(settled).toMatchObject({ settled: true, ordStas: '6', setlType: 'HI', callType: '02', fundPayFen: 4429, psnAcctPayFen: 5300 });
      expect(h.mock.state.persons.get(PSN.zhang)!.balanceFen).toBe(128_000 - 5300);

      // Refund needs a fresh authorization; ALL = the original parts.
      const refund = await h.client.refund({
        payOrdId: up.payOrdId,
        appRefdSn: 'RF-1',
        appRefdTime: new Date(),
        refdType: 'ALL',
        totlRefdAmtFen: 9729,
        cashRefdAmtFen: 0,
        psnAcctRefdAmtFen: 5300,
        fundRefdAmtFen: 4429,
        credential: { payAuthNo: grant(PSN.zhang) },
        original: { ownPayAmtFen: 0, psnAcctPayFen: 5300, fundPayFen: 4429 },
      });
      expect(refund.refStatus).toBe('SUCC');
      expect(refund.refdSn).toMatch(/^RF\d{22}$/);
      expect(refund.hiTrnsDate).toMatch(/^\d{8}$/);
      expect(h.mock.state.persons.get(PSN.zhang)!.balanceFen).toBe(128_000);
      const after = await query(PSN.zhang, up);
      expect(after).toMatchObject({ ordStas: '7', ordStasClass: 'refunded', settled: false });
    });

    it('pays the personal share from the account only up to the balance, the rest in cash', async () => {
      h.mock.state.persons.get(PSN.zhang)!.balanceFen = 1000;
      const { pay } = await upAndPay(PSN.zhang);
      expect(parts(pay)).toEqual(expectedSplit(BASKET, '310', true, 1000));
      expect(parts(pay)).toMatchObject({ acct: 1000, cash: 4300 });
    });

    it('never uses the personal account for residents (390) or when acctUsedFlag=0', async () => {
      const li = await upAndPay(PSN.li, { payAuthNo: grant(PSN.zhang, { family: true }) });
      expect(parts(li.pay)).toEqual(expectedSplit(BASKET, '390', true, 0));
      expect(parts(li.pay)).toMatchObject({ fund: 3126, acct: 0, cash: 6603 });
      const z = await upAndPay(PSN.zhang, { acctUsed: false });
      expect(parts(z.pay)).toMatchObject({ fund: 4429, acct: 0, cash: 5300 });
    });

    it('refunds CASH then HI (whole parts each) and refuses partial, mixed and repeated refunds', async () => {
      h.mock.state.persons.get(PSN.zhang)!.balanceFen = 1000;
      const { up } = await upAndPay(PSN.zhang);
      await complete(up.payOrdId);
      const o = { ownPayAmtFen: 4300, psnAcctPayFen: 1000, fundPayFen: 4429 };
      const base = { payOrdId: up.payOrdId, appRefdTime: new Date() };

      // Before sending: type rules and whole-order rule (nothing leaves the BFF).
      await expect(h.client.refund({ ...base, appRefdSn: 'X1', refdType: 'CASH', totlRefdAmtFen: 5300, cashRefdAmtFen: 4300, psnAcctRefdAmtFen: 1000, fundRefdAmtFen: 0, credential: { payAuthNo: grant(PSN.zhang) } })).rejects.toMatchObject({ name: 'MobilePayInvariantError', code: 'REFUND_RULE' });
      await expect(h.client.refund({ ...base, appRefdSn: 'X2', refdType: 'HI', totlRefdAmtFen: 5429, cashRefdAmtFen: 1, psnAcctRefdAmtFen: 1000, fundRefdAmtFen: 4428, credential: { payAuthNo: grant(PSN.zhang) } })).rejects.toBeInstanceOf(MobilePayInvariantError);
      await expect(h.client.refund({ ...base, appRefdSn: 'X3', refdType: 'ALL', totlRefdAmtFen: 9000, cashRefdAmtFen: 4300, psnAcctRefdAmtFen: 1000, fundRefdAmtFen: 4429, credential: { payAuthNo: grant(PSN.zhang) } })).rejects.toMatchObject({ code: 'AMOUNT_IDENTITY' });
      await expect(h.client.refund({ ...base, appRefdSn: 'X4', refdType: 'CASH', totlRefdAmtFen: 2000, cashRefdAmtFen: 2000, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 0, original: o, credential: { payAuthNo: grant(PSN.zhang) } })).rejects.toMatchObject({ code: 'REFUND_RULE' });

      // The center's own rules (sent without `original`): a partial cash refund is refused.
      const partial = await platformErrorOf(h.client.refund({ ...base, appRefdSn: 'P1', refdType: 'CASH', totlRefdAmtFen: 2000, cashRefdAmtFen: 2000, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 0, credential: { payAuthNo: grant(PSN.zhang) } }));
      expect(partial).toMatchObject({ kind: 'rejected', code: '300010', retryable: false });
      expect(partial.message).toMatch(/整单退费/);
      // The payment's own payAuthNo is spent: a refund needs a fresh authorization.
      const spent = h.mock.state.getPayOrder(up.payOrdId)!.payAuthNo!;
      expect(await platformErrorOf(h.client.refund({ ...base, appRefdSn: 'P2', refdType: 'CASH', totlRefdAmtFen: 4300, cashRefdAmtFen: 4300, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 0, credential: { payAuthNo: spent } }))).toMatchObject({ code: '200002' });

      const cash = await h.client.refund({ ...base, appRefdSn: 'C1', refdType: 'CASH', totlRefdAmtFen: 4300, cashRefdAmtFen: 4300, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 0, original: o, credential: { payAuthNo: grant(PSN.zhang) } });
      expect(cash.refStatus).toBe('SUCC');
      expect((await query(PSN.zhang, up)).ordStas).toBe('9');
      expect(h.mock.state.persons.get(PSN.zhang)!.balanceFen).toBe(0);
      // Same appRefdSn again: the same answer, nothing refunded twice.
      const again = await h.client.refund({ ...base, appRefdSn: 'C1', refdType: 'CASH', totlRefdAmtFen: 4300, cashRefdAmtFen: 4300, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 0, credential: { payAuthNo: grant(PSN.zhang) } });
      expect(again.refdSn).toBe(cash.refdSn);
      // ALL is no longer possible after a partial refund; CASH twice neither.
      expect(await platformErrorOf(h.client.refund({ ...base, appRefdSn: 'A1', refdType: 'ALL', totlRefdAmtFen: 9729, cashRefdAmtFen: 4300, psnAcctRefdAmtFen: 1000, fundRefdAmtFen: 4429, credential: { payAuthNo: grant(PSN.zhang) } }))).toMatchObject({ code: '300010' });
      expect(await platformErrorOf(h.client.refund({ ...base, appRefdSn: 'C2', refdType: 'CASH', totlRefdAmtFen: 4300, cashRefdAmtFen: 4300, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 0, credential: { payAuthNo: grant(PSN.zhang) } }))).toMatchObject({ code: '300010' });

      const hi = await h.client.refund({ ...base, appRefdSn: 'H1', refdType: 'HI', totlRefdAmtFen: 5429, cashRefdAmtFen: 0, psnAcctRefdAmtFen: 1000, fundRefdAmtFen: 4429, original: o, credential: { payAuthNo: grant(PSN.zhang) } });
      expect(hi.refStatus).toBe('SUCC');
      expect(hi.hiFefdSn).toMatch(/^HIRF/);
      expect(await query(PSN.zhang, up)).toMatchObject({ ordStas: '7', ordStasClass: 'refunded' });
      expect(h.mock.state.persons.get(PSN.zhang)!.balanceFen).toBe(1000);
    });

    it('refuses a refund before settlement', async () => {
      const { up } = await upAndPay(PSN.zhang, { acctUsed: false });
      const e = await platformErrorOf(h.client.refund({ payOrdId: up.payOrdId, appRefdSn: 'E1', appRefdTime: new Date(), refdType: 'ALL', totlRefdAmtFen: 9729, cashRefdAmtFen: 5300, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 4429, credential: { payAuthNo: grant(PSN.zhang) } }));
      expect(e).toMatchObject({ kind: 'rejected', code: '300002' });
    });
  });

  // ── 6401 ────────────────────────────────────────────────────

  describe('6401 upload revoke', () => {
    it('revokes before settlement (and the same medOrgOrd can be uploaded again), refuses after settlement', async () => {
      const { req, up } = await upAndPay(PSN.zhang);
      await h.client.revokeUpload({ payOrdId: up.payOrdId, payToken: up.payToken, ...identity(h, PSN.zhang) });
      expect(await query(PSN.zhang, up)).toMatchObject({ ordStas: '12', ordStasClass: 'refunded', settled: false });
      // Completing a revoked order is impossible.
      expect((await complete(up.payOrdId)).status).toBe(409);
      // A changed prescription is uploaded again with a fresh authorization.
      const again = await h.client.uploadFees({ ...req, credential: { payAuthNo: grant(PSN.zhang) } });
      expect(again.payOrdId).not.toBe(up.payOrdId);

      const second = await upAndPay(PSN.zhang);
      await complete(second.up.payOrdId);
      const e = await platformErrorOf(h.client.revokeUpload({ payOrdId: second.up.payOrdId, payToken: second.up.payToken, ...identity(h, PSN.zhang) }));
      expect(e).toMatchObject({ kind: 'rejected', code: '300002' });
      expect(e.message).toContain('不能撤销');
    });

    it('a duplicate upload of the same medOrgOrd is refused while it is not revoked', async () => {
      const { req } = await upAndPay(PSN.zhang);
      const e = await platformErrorOf(h.client.uploadFees({ ...req, credential: { payAuthNo: grant(PSN.zhang) } }));
      expect(e).toMatchObject({ code: '300003' });
    });
  });

  // ── payAuthNo ───────────────────────────────────────────────

  describe('payAuthNo: single use, expiry, person, family', () => {
    it('cannot be reused for a second order', async () => {
      const { payAuthNo } = await upAndPay(PSN.zhang);
      const e = await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.zhang, { payAuthNo }, BASKET)));
      expect(e).toMatchObject({ kind: 'rejected', code: '200002' });
    });

    it('expires', async () => {
      const payAuthNo = grant(PSN.zhang, { ttlSeconds: 0.05 });
      await new Promise((r) => setTimeout(r, 80));
      const e = await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.zhang, { payAuthNo }, BASKET)));
      expect(e).toMatchObject({ code: '200001' });
      expect(e.message).toContain('过期');
    });

    it('expired between 6201 and 6202: 6202 is refused', async () => {
      const payAuthNo = grant(PSN.zhang, { ttlSeconds: 0.6 });
      const req = feeUpload(h, PSN.zhang, { payAuthNo }, BASKET);
      const up = await h.client.uploadFees(req);
      await new Promise((r) => setTimeout(r, 650));
      const e = await platformErrorOf(h.client.payOrder({ payOrdId: up.payOrdId, payToken: up.payToken, credential: { payAuthNo }, orgBizSer: 'B', chrgBchno: req.chrgBchno, feeType: '01', acctUsedFlag: true, expectedFeeSumamtFen: req.medfeeSumamtFen }));
      expect(e.code).toBe('200001');
    });

    it('belongs to its person: paying for someone else fails unless it is a family authorization', async () => {
      const e = await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.li, { payAuthNo: grant(PSN.zhang) }, BASKET)));
      expect(e).toMatchObject({ code: '200003' });
      expect(e.message).toContain('本人');
      // Family authorization by zhang covers li (linked), not wang (not linked).
      const ok = await h.client.uploadFees(feeUpload(h, PSN.li, { payAuthNo: grant(PSN.zhang, { family: true }) }, BASKET));
      expect(ok.payOrdId).toMatch(/^ORD/);
      expect(await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.wang, { payAuthNo: grant(PSN.zhang, { family: true }) }, BASKET)))).toMatchObject({ code: '200003' });
      // A family authorization narrowed to one member.
      expect(await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.li, { payAuthNo: grant(PSN.zhang, { forPsnNo: PSN.zhangzh }) }, BASKET)))).toMatchObject({ code: '200003' });
    });

    it('a 6202 with another payAuthNo than the upload is refused', async () => {
      const req = feeUpload(h, PSN.zhang, { payAuthNo: grant(PSN.zhang) }, BASKET);
      const up = await h.client.uploadFees(req);
      const e = await platformErrorOf(h.client.payOrder({ payOrdId: up.payOrdId, payToken: up.payToken, credential: { payAuthNo: grant(PSN.zhang) }, orgBizSer: 'B', chrgBchno: req.chrgBchno, feeType: '01', acctUsedFlag: true, expectedFeeSumamtFen: req.medfeeSumamtFen }));
      expect(e.code).toBe('200001');
    });

    it('an ecToken works instead of a payAuthNo; both or neither never leave the BFF', async () => {
      const ec = h.mock.state.issueEcToken(PSN.zhang).payAuthNo;
      const up = await h.client.uploadFees(feeUpload(h, PSN.zhang, { ecToken: ec }, BASKET));
      expect(up.payOrdId).toMatch(/^ORD/);
      const both = { payAuthNo: grant(PSN.zhang), ecToken: ec } as unknown as { payAuthNo: string };
      await expect(h.client.uploadFees(feeUpload(h, PSN.zhang, both, BASKET))).rejects.toMatchObject({ code: 'CREDENTIAL_CHOICE' });
      await expect(h.client.uploadFees(feeUpload(h, PSN.zhang, {} as { payAuthNo: string }, BASKET))).rejects.toMatchObject({ code: 'CREDENTIAL_CHOICE' });
    });
  });

  describe('other refusals of the center', () => {
    it('a suspended person cannot pay with insurance', async () => {
      const e = await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.ma, { payAuthNo: grant(PSN.ma) }, BASKET)));
      expect(e).toMatchObject({ kind: 'rejected', code: '200006', retryable: false });
      expect(e.message).toContain('暂停');
    });

    it('identity, insutype and 参保地 must match the insured person', async () => {
      const req = feeUpload(h, PSN.zhang, { payAuthNo: grant(PSN.zhang) }, BASKET);
      expect(await platformErrorOf(h.client.uploadFees({ ...req, userName: '张冒名' }))).toMatchObject({ code: '200004' });
      expect(await platformErrorOf(h.client.uploadFees({ ...req, medOrgOrd: `${req.medOrgOrd}b`, insutype: '390' }))).toMatchObject({ code: '200004' });
    });

    it('medfeeSumamt and the item totals are checked before sending', async () => {
      const req = feeUpload(h, PSN.zhang, { payAuthNo: grant(PSN.zhang) }, BASKET);
      await expect(h.client.uploadFees({ ...req, medfeeSumamtFen: req.medfeeSumamtFen + 1 })).rejects.toMatchObject({ code: 'AMOUNT_IDENTITY' });
      const items = req.feedetailList.map((f, i) => (i === 1 ? { ...f, detItemFeeSumamtFen: f.detItemFeeSumamtFen + 1 } : f));
      await expect(h.client.uploadFees({ ...req, feedetailList: items, medfeeSumamtFen: req.medfeeSumamtFen + 1 })).rejects.toMatchObject({ code: 'AMOUNT_IDENTITY' });
      await expect(h.client.uploadFees({ ...req, medfeeSumamtFen: 10.5 })).rejects.toMatchObject({ code: 'INVALID_FIELD' });
    });

    it('an item outside the catalog is refused by the center', async () => {
      const e = await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.zhang, { payAuthNo: grant(PSN.zhang) }, [{ item: { code: 'XX00000000000000000000', priceFen: 100 }, cnt: 1 }])));
      expect(e).toMatchObject({ code: '100012' });
    });
  });

  // ── faults ──────────────────────────────────────────────────

  describe('faults', () => {
    it('latency beyond the timeout: a bounded, typed timeout; 6301 is retried, then gives up', async () => {
      const { up } = await upAndPay(PSN.zhang);
      const c = h.makeClient({ timeoutMs: 250, queryRetries: 1, backoffMs: 10 });
      h.fault({ operation: '6301', kind: 'latency', params: { ms: 700 }, times: 2 });
      const t0 = Date.now();
      const e = await platformErrorOf(c.querySettlement({ payOrdId: up.payOrdId, payToken: up.payToken, ...identity(h, PSN.zhang) }));
      const took = Date.now() - t0;
      expect(e).toMatchObject({ kind: 'timeout', platform: 'mobile-pay', operation: '6301', retryable: true });
      expect(took).toBeGreaterThanOrEqual(500);
      expect(took).toBeLessThan(1200);
      expect(h.events.filter((ev) => ev.operation === '6301' && ev.errorKind === 'timeout')).toHaveLength(2);
      // The center still answers both late requests (nobody listens): let them finish before the next test.
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + 1000 - Date.now())));
    });

    it('a 6202 that times out is resolved by 6301, never sent twice', async () => {
      const payAuthNo = grant(PSN.zhang);
      const req = feeUpload(h, PSN.zhang, { payAuthNo }, BASKET);
      const up = await h.client.uploadFees(req);
      const c = h.makeClient({ timeoutMs: 250 });
      h.fault({ operation: '6202', kind: 'latency', params: { ms: 600 }, times: 1 });
      const payReq = { payOrdId: up.payOrdId, payToken: up.payToken, credential: { payAuthNo }, orgBizSer: 'B', chrgBchno: req.chrgBchno, feeType: '01' as const, acctUsedFlag: true, expectedFeeSumamtFen: req.medfeeSumamtFen };
      const e = await platformErrorOf(c.payOrder(payReq));
      expect(e).toMatchObject({ kind: 'timeout', outcomeUnknown: true });
      expect(h.events.filter((ev) => ev.operation === '6202')).toHaveLength(1);
      // The center finishes the pre-settlement anyway, after the client gave up.
      for (const until = Date.now() + 5000; h.mock.state.getPayOrder(up.payOrdId)!.ordStas !== '1' && Date.now() < until; ) await new Promise((r) => setTimeout(r, 20));
      expect(h.mock.state.getPayOrder(up.payOrdId)!.ordStas).toBe('1');
      h.events.length = 0;
      const c2 = h.makeClient({ timeoutMs: 250 });
      h.fault({ operation: '6202', kind: 'timeout', times: 1 });
      const resolved = await c2.payOrderResolvingByQuery(payReq, identity(h, PSN.zhang));
      expect(resolved.via).toBe('6301');
      if (resolved.via === '6301') {
        expect(resolved.result).toMatchObject({ ordStas: '1', ordStasClass: 'processing', settled: false, feeSumamtFen: 9729 });
        expect(resolved.payError.kind).toBe('timeout');
      }
      expect(h.events.filter((ev) => ev.operation === '6202')).toHaveLength(1);
      expect(h.events.filter((ev) => ev.operation === '6301')).toHaveLength(1);
    });

    it('HTTP 5xx: the query is retried and succeeds; the pay call is not retried', async () => {
      const { up, req, payAuthNo } = await upAndPay(PSN.zhang);
      h.fault({ operation: '6301', kind: 'http_error', params: { status: 502 }, times: 1 });
      const q = await query(PSN.zhang, up);
      expect(q.ordStas).toBe('1');
      expect(h.events.filter((ev) => ev.operation === '6301').map((ev) => ev.status)).toEqual([502, 200]);

      const second = feeUpload(h, PSN.zhang, { payAuthNo: grant(PSN.zhang) }, BASKET);
      const up2 = await h.client.uploadFees(second);
      h.fault({ operation: '/org/local/api/hos/pay_order', kind: 'http_error', params: { status: 500 } });
      h.events.length = 0;
      const e = await platformErrorOf(h.client.payOrder({ payOrdId: up2.payOrdId, payToken: up2.payToken, credential: { payAuthNo: (second.credential as { payAuthNo: string }).payAuthNo }, orgBizSer: 'B', chrgBchno: second.chrgBchno, feeType: '01', acctUsedFlag: true, expectedFeeSumamtFen: second.medfeeSumamtFen }));
      expect(e).toMatchObject({ kind: 'unavailable', code: 'HTTP_500', outcomeUnknown: true });
      expect(h.events).toHaveLength(1);
      void req;
      void payAuthNo;
    });

    it('a platform error code comes back typed with the Chinese message', async () => {
      h.fault({ operation: '6201', kind: 'platform_error', params: { code: '500123', message: '医保核心系统繁忙' }, times: 1 });
      const e = await platformErrorOf(h.client.uploadFees(feeUpload(h, PSN.zhang, { payAuthNo: grant(PSN.zhang) }, BASKET)));
      expect(e).toMatchObject({ kind: 'rejected', code: '500123', message: '医保核心系统繁忙', retryable: false });
    });

    it('an answer with a bad signature is rejected (and a pay answer leaves the outcome unknown)', async () => {
      const payAuthNo = grant(PSN.zhang);
      const req = feeUpload(h, PSN.zhang, { payAuthNo }, BASKET);
      const up = await h.client.uploadFees(req);
      h.fault({ operation: '6202', kind: 'bad_signature', times: 1 });
      const e = await platformErrorOf(h.client.payOrder({ payOrdId: up.payOrdId, payToken: up.payToken, credential: { payAuthNo }, orgBizSer: 'B', chrgBchno: req.chrgBchno, feeType: '01', acctUsedFlag: true, expectedFeeSumamtFen: req.medfeeSumamtFen }));
      expect(e).toMatchObject({ kind: 'signature', code: 'ENVELOPE_BAD_SIGNATURE', outcomeUnknown: true });
      h.fault({ operation: '6301', kind: 'bad_signature', times: 1 });
      expect(await platformErrorOf(query(PSN.zhang, up))).toMatchObject({ kind: 'signature', retryable: false });
      expect(h.events.filter((ev) => ev.operation === '6301')).toHaveLength(1);
    });

    it('a stale answer is rejected', async () => {
      h.fault({ operation: '1101', kind: 'stale_timestamp', params: { ageMs: 3_600_000 }, times: 1 });
      expect(await platformErrorOf(h.client.lookupPerson({ payAuthNo: grant(PSN.zhang) }))).toMatchObject({ kind: 'signature', code: 'ENVELOPE_STALE' });
    });

    it('a wrong amount in an answer is rejected, never rounded', async () => {
      const payAuthNo = grant(PSN.zhang);
      const req = feeUpload(h, PSN.zhang, { payAuthNo }, BASKET);
      const up = await h.client.uploadFees(req);
      h.fault({ operation: '6202', kind: 'wrong_amount', params: { deltaFen: 1 }, times: 1 });
      const payReq = { payOrdId: up.payOrdId, payToken: up.payToken, credential: { payAuthNo }, orgBizSer: 'B', chrgBchno: req.chrgBchno, feeType: '01' as const, acctUsedFlag: true, expectedFeeSumamtFen: req.medfeeSumamtFen };
      expect(await platformErrorOf(h.client.payOrder(payReq))).toMatchObject({ kind: 'bad_response', code: 'AMOUNT_IDENTITY' });
      // With the identity kept, the comparison with the uploaded total catches it (the order was pre-settled once: query it).
      h.fault({ operation: '6301', kind: 'wrong_amount', params: { deltaFen: 1, keepIdentity: true }, times: 1 });
      expect(await platformErrorOf(query(PSN.zhang, up, { feeSumamtFen: req.medfeeSumamtFen }))).toMatchObject({ kind: 'bad_response', code: 'AMOUNT_MISMATCH' });
      h.fault({ operation: '6301', kind: 'wrong_amount', params: { deltaFen: 1 }, times: 1 });
      expect(await platformErrorOf(query(PSN.zhang, up))).toMatchObject({ code: 'AMOUNT_IDENTITY' });
    });

    it('a wrong amount in a refund answer is rejected', async () => {
      const { up } = await upAndPay(PSN.zhang, { acctUsed: false });
      await complete(up.payOrdId);
      h.fault({ operation: '6203', kind: 'wrong_amount', params: { deltaFen: 1 }, times: 1 });
      const e = await platformErrorOf(h.client.refund({ payOrdId: up.payOrdId, appRefdSn: 'W1', appRefdTime: new Date(), refdType: 'ALL', totlRefdAmtFen: 9729, cashRefdAmtFen: 5300, psnAcctRefdAmtFen: 0, fundRefdAmtFen: 4429, credential: { payAuthNo: grant(PSN.zhang) } }));
      expect(e).toMatchObject({ kind: 'bad_response', code: 'AMOUNT_MISMATCH' });
    });

    it('the center refuses requests that are badly signed or stale', async () => {
      const other = h.makeClient({ orgPrivateKey: h.keys.MOCK_MOBILE_PAY_PLATFORM_PRIVATE_KEY! });
      expect(await platformErrorOf(other.lookupPerson({ payAuthNo: grant(PSN.zhang) }))).toMatchObject({ kind: 'rejected', code: '100002', message: '验签失败' });
      const late = h.makeClient({ now: () => Date.now() - 3_600_000, responseMaxAgeSeconds: 86_400 });
      expect(await platformErrorOf(late.lookupPerson({ payAuthNo: grant(PSN.zhang) }))).toMatchObject({ kind: 'rejected', code: '100003' });
    });
  });

  // ── 6302 notify faults ──────────────────────────────────────

  describe('6302 notify faults', () => {
    async function settledOrder() {
      const r = await upAndPay(PSN.zhang, { acctUsed: false });
      return r;
    }

    it('duplicate: delivered twice, both verify, same dedup key', async () => {
      const { up } = await settledOrder();
      h.fault({ operation: '6302', kind: 'notify_duplicate', times: 1 });
      await complete(up.payOrdId);
      const got = await h.waitForNotifies(2);
      expect(got).toHaveLength(2);
      expect(got.map((n) => n.event?.dedupKey)).toEqual([`${up.payOrdId}:02`, `${up.payOrdId}:02`]);
    });

    it('out of order: a held notify arrives after the next order’s', async () => {
      const a = await settledOrder();
      const b = await settledOrder();
      h.fault({ operation: '6302', kind: 'notify_out_of_order', params: { holdMs: 3000 }, times: 1 });
      await complete(a.up.payOrdId);
      await new Promise((r) => setTimeout(r, 50));
      await complete(b.up.payOrdId);
      const got = await h.waitForNotifies(2);
      expect(got.map((n) => n.event?.payOrdId)).toEqual([b.up.payOrdId, a.up.payOrdId]);
    });

    it('late: arrives after the delay', async () => {
      const { up } = await settledOrder();
      h.fault({ operation: '6302', kind: 'notify_late', params: { ms: 400 }, times: 1 });
      const t0 = Date.now();
      await complete(up.payOrdId);
      await new Promise((r) => setTimeout(r, 200));
      expect(h.received).toHaveLength(0);
      const [n] = await h.waitForNotifies(1);
      expect(n!.at - t0).toBeGreaterThanOrEqual(390);
      expect(n!.event?.payOrdId).toBe(up.payOrdId);
    });

    it('never: nothing arrives; 6301 tells the order is settled', async () => {
      const { up } = await settledOrder();
      h.fault({ operation: '6302', kind: 'notify_never', times: 1 });
      await complete(up.payOrdId);
      await h.mock.notifier.idle();
      await new Promise((r) => setTimeout(r, 100));
      expect(h.received).toHaveLength(0);
      expect(await query(PSN.zhang, up)).toMatchObject({ settled: true, ordStas: '6', setlType: 'ALL' });
    });

    it('bad signature and stale timestamp are rejected', async () => {
      const a = await settledOrder();
      h.fault({ operation: '6302', kind: 'bad_signature', times: 1 });
      await complete(a.up.payOrdId);
      const b = await settledOrder();
      h.fault({ operation: '6302', kind: 'stale_timestamp', params: { ageMs: 600_000 }, times: 1 });
      await complete(b.up.payOrdId);
      const got = await h.waitForNotifies(2);
      expect(got.map((n) => n.event)).toEqual([undefined, undefined]);
      expect(got[0]!.error).toMatchObject({ kind: 'signature', code: 'ENVELOPE_BAD_SIGNATURE' });
      expect(got[1]!.error).toMatchObject({ kind: 'signature', code: 'ENVELOPE_STALE' });
      // The center saw a refusal (no ack).
      await h.mock.notifier.idle();
      expect(h.mock.notifier.deliveries.map((d) => [d.status, d.acked])).toEqual([[400, false], [400, false]]);
    });

    it('a tampered body is rejected', async () => {
      const { up } = await settledOrder();
      await complete(up.payOrdId);
      const [n] = await h.waitForNotifies(1);
      const env = JSON.parse(n!.raw) as Record<string, string>;
      const tampered = { ...env, timestamp: String(Number(env.timestamp) + 1) };
      expect(() => h.client.verifyAndParseSettlementNotify(JSON.stringify(tampered))).toThrow(expect.objectContaining({ kind: 'signature' }));
      const flipped = { ...env, encData: env.encData!.slice(0, -32) + env.encData!.slice(-32).split('').reverse().join('') };
      expect(() => h.client.verifyAndParseSettlementNotify(JSON.stringify(flipped))).toThrow(PlatformError);
      expect(() => h.client.verifyAndParseSettlementNotify('not json')).toThrow(expect.objectContaining({ kind: 'bad_response', code: 'INVALID_JSON' }));
      expect(h.client.verifyAndParseSettlementNotify(Buffer.from(n!.raw)).payOrdId).toBe(up.payOrdId);
    });

    it('wrong amount: the identity catches it, or the comparison with the order does', async () => {
      const a = await settledOrder();
      h.fault({ operation: '6302', kind: 'wrong_amount', params: { deltaFen: 1 }, times: 1 });
      await complete(a.up.payOrdId);
      const [na] = await h.waitForNotifies(1);
      expect(na!.error).toMatchObject({ kind: 'bad_response', code: 'AMOUNT_IDENTITY' });

      const b = await settledOrder();
      h.fault({ operation: '6302', kind: 'wrong_amount', params: { deltaFen: 100, keepIdentity: true }, times: 1 });
      await complete(b.up.payOrdId);
      const got = await h.waitForNotifies(2);
      const ev = got[1]!.event!;
      expect(ev).toBeDefined();
      expect(() => assertNotifyMatchesOrder(ev, { payOrdId: b.up.payOrdId, feeSumamtFen: b.pay.feeSumamtFen, fundPayFen: b.pay.fundPayFen, ownPayAmtFen: b.pay.ownPayAmtFen, psnAcctPayFen: b.pay.psnAcctPayFen })).toThrow(expect.objectContaining({ code: 'AMOUNT_MISMATCH' }));
    });
  });

  it('ordStas classes: unknown codes never count as paid', () => {
    expect(['0', '1', '2'].map(classifyOrdStas)).toEqual(['processing', 'processing', 'processing']);
    expect(['3', '6'].map(classifyOrdStas)).toEqual(['settled_candidate', 'settled_candidate']);
    expect(['7', '13'].map(classifyOrdStas)).toEqual(['refunded', 'refunded']);
    expect(['14', '16'].map(classifyOrdStas)).toEqual(['failed', 'failed']);
    expect(['17', '99', '-1', '', 'SETTLED', undefined, null, '6.0'].map(classifyOrdStas)).toEqual(Array(8).fill('unknown'));
  });
});

describe('SM2 user id and timestamp format interop', () => {
  it.each([
    ['appSecret', 'ms'],
    ['default', 'ms'],
    ['default', 'yyyyMMddHHmmss'],
    ['appSecret', 'yyyyMMddHHmmss'],
  ] as const)('user id %s, timestamp %s: client and mock agree end to end', async (mode, tsf) => {
    const h = await startHarness({ sm2UserIdMode: mode, timestampFormat: tsf });
    try {
      const payAuthNo = h.mock.state.issuePayAuthNo(PSN.zhang, {}).payAuthNo;
      const req = feeUpload(h, PSN.zhang, { payAuthNo }, BASKET);
      const up = await h.client.uploadFees(req);
      await h.client.payOrder({ payOrdId: up.payOrdId, payToken: up.payToken, credential: { payAuthNo }, orgBizSer: 'B', chrgBchno: req.chrgBchno, feeType: '01', acctUsedFlag: true, expectedFeeSumamtFen: req.medfeeSumamtFen });
      h.mock.state.settlePayOrder(up.payOrdId);
      const [n] = await h.waitForNotifies(1);
      expect(n!.error).toBeUndefined();
      expect(n!.event?.payOrdId).toBe(up.payOrdId);
      const env = JSON.parse(n!.raw) as { timestamp: string };
      expect(env.timestamp).toMatch(tsf === 'ms' ? /^\d{13}$/ : /^\d{14}$/);
    } finally {
      await h.close();
    }
  });

  it('mismatched user ids fail closed on both sides', async () => {
    const h = await startHarness({ sm2UserIdMode: 'appSecret', clientSm2UserIdMode: 'default' });
    try {
      // The center cannot verify the request and answers with its own id: the client cannot verify the answer.
      const e = await platformErrorOf(h.client.lookupPerson({ payAuthNo: h.mock.state.issuePayAuthNo(PSN.zhang, {}).payAuthNo }));
      expect(e).toMatchObject({ kind: 'signature', code: 'ENVELOPE_BAD_SIGNATURE' });
    } finally {
      await h.close();
    }
  });
});
