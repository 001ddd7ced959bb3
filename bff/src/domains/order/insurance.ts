/**
 * Preparing the cashier (待结算详情): insurance orders are uploaded (6201) and ordered (6202) at the
 * mobile-pay center with a FRESH e-voucher authorization (consumed once); the platform's split is
 * stored and shown as given. Self-pay orders (outside the catalog, suspended, hospital not live,
 * no voucher, the patient's choice) skip insurance: the whole amount is cash.
 *
 * - 6201: medfeeSumamt = Σ item fees = the order's total (checked here and in the adapter); the
 *   patient's name, certificate and insured identity come from our records and the authorization.
 * - 6202 is sent once; an unknown outcome is resolved by 6301 (payOrderResolvingByQuery), never
 *   by a second 6202. Still unknown → the order stays UPLOADED and the next prepare asks 6301 again.
 * - The personal-account switch (职工医保 310 only) re-runs the split: 6401 revoke, then a new
 *   upload and order with a new authorization.
 * - Two prepares racing: both may upload, only one transition wins; the loser revokes its upload.
 */
import type { SelfPayReason, PrepareInsuranceRequestSchema } from '@ih/contract';
import type { z } from 'zod';
import { AppError } from '../../lib/errors';
import { PlatformError } from '../../platforms/http';
import { classifyOrdStas, type FeeUploadRequest, type PayOrderResult, type SettlementQueryResult } from '../../platforms/mobile-pay';
import { consumePayAuthorization } from '../voucher';
import type { OrderContext } from './context';
import { callbackUrls } from './context';
import { newChrgBchno, newMedOrgOrd } from './ids';
import { patientIdentity, platformUserError, type PatientIdentity } from './platformErrors';
import { orderTextSetting } from './settings';
import { CLEARED_UPLOAD, flagOrder, recordEvent, transition, withOrderLock, type Tx } from './stateMachine';
import { CONSULTATION_ITEM_NAME, buildCashierView, loadOwnOrder, type FullOrder } from './views';

type PrepareInput = z.output<typeof PrepareInsuranceRequestSchema>;

const PAID_OR_AFTER = new Set(['PAID', 'REFUNDING', 'REFUNDED', 'REFUND_FAILED']);

/** Why the order cannot use insurance whatever the patient wants (rules 3–5), or null. */
export async function automaticSelfPayReason(ctx: OrderContext, o: FullOrder): Promise<SelfPayReason | null> {
  const hospital = await ctx.prisma.hospital.findUniqueOrThrow({ where: { id: o.hospitalId }, select: { insuranceEnabled: true, live: true } });
  if (!hospital.insuranceEnabled || !hospital.live) return 'HOSPITAL_NOT_LIVE';
  const insured = o.kind === 'CONSULTATION' ? o.consultation?.insured : (o.prescription ? o.prescription.insured && o.prescription.consultation.insured : undefined);
  if (insured === false) return 'OUT_OF_CATALOG';
  const patient = await ctx.prisma.patient.findUniqueOrThrow({ where: { id: o.patientId }, select: { idNumberHash: true } });
  const identity = await ctx.prisma.insuredIdentity.findFirst({ where: { idNumberHash: patient.idNumberHash }, orderBy: { updatedAt: 'desc' }, select: { suspended: true } });
  if (identity?.suspended) return 'SUSPENDED';
  return null;
}

function guardPreparable(ctx: OrderContext, o: FullOrder): void {
  if (o.flagged) throw new AppError('ORDER_UNDER_REVIEW');
  if (PAID_OR_AFTER.has(o.state)) throw new AppError('PAYMENT_ALREADY_PAID');
  if (o.state === 'CLOSED' || o.state === 'CANCELLED') throw new AppError('PAYMENT_ORDER_CLOSED');
  if (o.expiresAt && o.expiresAt.getTime() <= ctx.now().getTime()) throw new AppError('PAYMENT_ORDER_CLOSED', { message: '订单已超时，请返回重新下单' });
  if (o.kind === 'PRESCRIPTION' && !o.fulfilment) throw new AppError('ORDER_FULFILMENT_REQUIRED');
  if (o.kind === 'PRESCRIPTION' && o.prescription && o.prescription.status !== 'APPROVED' && o.prescription.status !== 'UPLOADED') throw new AppError('ORDER_PRESCRIPTION_NOT_PAYABLE');
}

export async function prepareCashier(ctx: OrderContext, userId: string, orderId: string, input: PrepareInput) {
  let o = await loadOwnOrder(ctx, userId, orderId);
  guardPreparable(ctx, o);
  const actor = `user:${userId}`;
  if (o.state === 'PAYING') {
    if (o.acctUsedFlag !== input.acctUsedFlag || (input.selfPay && o.payMode !== 'SELF_PAY')) throw new AppError('ORDER_PAYMENT_IN_PROGRESS');
    return buildCashierView(ctx, o);
  }
  if (o.state === 'PAY_FAILED') {
    await revokeAtCenter(ctx, o).catch(() => undefined);
    await withOrderLock(ctx.prisma, o.id, (tx, locked) => transition(tx, locked, 'retry', { actor, data: CLEARED_UPLOAD, detail: { why: 'pay again' } }));
    o = await loadOwnOrder(ctx, userId, orderId);
  }

  const automatic = await automaticSelfPayReason(ctx, o);
  const reason: SelfPayReason | null = automatic ?? (input.selfPay ? 'PATIENT_CHOICE' : null);
  if (reason) return chooseSelfPay(ctx, o, reason, actor, userId);

  if (input.acctUsedFlag && o.insutype && o.insutype !== '310') throw new AppError('ORDER_ACCOUNT_NOT_ALLOWED');
  if (o.state === 'PRE_SETTLED' && o.payMode === 'INSURANCE' && o.acctUsedFlag === input.acctUsedFlag) return buildCashierView(ctx, o);

  if (o.state === 'UPLOADED' && o.acctUsedFlag === input.acctUsedFlag) {
    // A 6202 whose outcome was unknown: ask 6301 before anything else (never a second 6202).
    const resolved = await resolvePendingPayOrder(ctx, o);
    if (resolved) return buildCashierView(ctx, await loadOwnOrder(ctx, userId, orderId));
  }

  // A fresh authorization is needed from here on (single use). Take it before undoing anything.
  const auth = await consumePayAuthorization({ prisma: ctx.prisma, cipher: ctx.cipher, now: ctx.now }, userId, o.patientId, o.id, 'PAYMENT');
  if (o.state === 'UPLOADED' || o.state === 'PRE_SETTLED') {
    await resplit(ctx, o, actor, 'account switch or stuck upload');
    o = await loadOwnOrder(ctx, userId, orderId);
  }
  if (o.state !== 'CREATED') throw new AppError('CONFLICT');
  const identity = auth.insuredIdentityId ? await ctx.prisma.insuredIdentity.findUnique({ where: { id: auth.insuredIdentityId } }) : null;
  if (!identity) throw new AppError('INSURANCE_NOT_INSURED');
  if (identity.suspended) throw new AppError('INSURANCE_PAY_SUSPENDED');
  if (input.acctUsedFlag && identity.insutype !== '310') throw new AppError('ORDER_ACCOUNT_NOT_ALLOWED');

  const person = await patientIdentity(ctx, o.patientId);
  const location = input.location ?? (await orderTextSetting(ctx.prisma, 'defaultGeoLocation'));
  const medOrgOrd = newMedOrgOrd(ctx.now());
  const chrgBchno = newChrgBchno(ctx.now());
  const mp = ctx.platforms.mobilePay();
  const request = await feeUploadRequest(ctx, o, { medOrgOrd, chrgBchno, person, psnNo: identity.psnNo, insutype: identity.insutype, insuCode: identity.insuplcAdmdvs, acctUsedFlag: input.acctUsedFlag, location, payAuthNo: auth.payAuthNo });

  // 6201
  let uploaded;
  try {
    uploaded = await mp.uploadFees(request);
  } catch (err) {
    throw platformUserError(err);
  }
  const won = await withOrderLock(ctx.prisma, o.id, (tx, locked) =>
    transition(tx, locked, 'upload', {
      actor,
      data: {
        medOrgOrd,
        chrgBchno,
        payOrdId: uploaded.payOrdId,
        payToken: uploaded.payToken,
        payAuthorizationId: auth.authorizationId,
        insutype: identity.insutype,
        insuplcAdmdvs: identity.insuplcAdmdvs,
        acctUsedFlag: input.acctUsedFlag,
        uldLatlnt: location,
        payMode: 'INSURANCE',
        selfPayReason: null,
        ordStas: '0',
      },
      detail: { medOrgOrd, payOrdId: uploaded.payOrdId, acctUsedFlag: input.acctUsedFlag },
    }),
  );
  if (!won?.ok) {
    // Another prepare got there first: undo ours at the center.
    await mp.revokeUpload({ payOrdId: uploaded.payOrdId, payToken: uploaded.payToken, idNo: person.idNumber, userName: person.name, idType: person.idType }).catch((e: unknown) => ctx.logger.warn({ err: e, orderId: o.id }, 'revoking a duplicate upload failed'));
    throw new AppError('ORDER_PAYMENT_IN_PROGRESS');
  }

  // 6202 (once), resolved by 6301 when its outcome is unknown
  let placed: { via: '6202'; result: PayOrderResult } | { via: '6301'; result: SettlementQueryResult; payError: PlatformError };
  try {
    placed = await mp.payOrderResolvingByQuery(
      {
        payOrdId: uploaded.payOrdId,
        payToken: uploaded.payToken,
        credential: { payAuthNo: auth.payAuthNo },
        orgBizSer: medOrgOrd,
        chrgBchno,
        feeType: '01',
        acctUsedFlag: input.acctUsedFlag,
        expectedFeeSumamtFen: o.totalFen,
        notifyUrl: callbackUrls(ctx.config).mobilePay,
      },
      { idNo: person.idNumber, userName: person.name, idType: person.idType },
    );
  } catch (err) {
    if (err instanceof PlatformError && err.operation === '6202' && !err.outcomeUnknown) {
      if (err.kind === 'bad_response') {
        // The answer broke an identity or differed from the upload: stop, flag, never round it away.
        await withOrderLock(ctx.prisma, o.id, (tx, locked) => flagOrder(tx, locked, `6202 answer failed a check (${err.code ?? 'bad_response'})`, actor, { op: '6202' }));
      } else {
        // Refused: this upload cannot go on; undo it so the next attempt starts clean.
        const current = await loadOwnOrder(ctx, userId, orderId);
        await resplit(ctx, current, actor, `6202 refused (${err.code ?? 'rejected'})`).catch(() => undefined);
      }
    }
    throw platformUserError(err);
  }
  const ok = await storePayOrder(ctx, o.id, placed.result, actor, placed.via);
  if (!ok) throw new AppError('UPSTREAM_TIMEOUT', { message: '医保下单结果暂未确认，请稍后重试（不会重复扣费）' });
  return buildCashierView(ctx, await loadOwnOrder(ctx, userId, orderId));
}

/** Stores the platform's split after 6202 (or a 6301 that shows the pay order placed). Returns false when not placed. */
async function storePayOrder(ctx: OrderContext, orderId: string, r: PayOrderResult | SettlementQueryResult, actor: string, via: string): Promise<boolean> {
  const cls = classifyOrdStas(r.ordStas);
  if (r.ownPayAmtFen === undefined || r.fundPayFen === undefined || r.psnAcctPayFen === undefined || r.feeSumamtFen === undefined) return false;
  if (cls === 'unknown' || cls === 'failed' || cls === 'refunded') {
    await withOrderLock(ctx.prisma, orderId, (tx, locked) => flagOrder(tx, locked, `pay order in unexpected ordStas ${r.ordStas}`, actor, { via }));
    throw new AppError('ORDER_UNDER_REVIEW');
  }
  if (r.ordStas === '0') return false;
  const res = await withOrderLock(ctx.prisma, orderId, async (tx, locked) => {
    if (locked.totalFen !== r.feeSumamtFen) {
      await flagOrder(tx, locked, 'feeSumamt differs from the order total', actor, { via });
      return 'mismatch' as const;
    }
    const moved = await transition(tx, locked, 'placePayOrder', {
      actor,
      data: {
        fundPayFen: r.fundPayFen!,
        psnAcctPayFen: r.psnAcctPayFen!,
        cashPayFen: r.ownPayAmtFen!,
        acctMulaidPayFen: r.acctMulaidPayFen ?? 0,
        hospPartFen: r.hospPartAmtFen ?? 0,
        othFeeFen: r.othFeeAmtFen ?? 0,
        ordStas: r.ordStas,
        preSettledAt: ctx.now(),
      },
      detail: { via, ordStas: r.ordStas, fundPayFen: r.fundPayFen!, psnAcctPayFen: r.psnAcctPayFen!, cashPayFen: r.ownPayAmtFen! },
    });
    return moved.ok ? ('ok' as const) : ('lost' as const);
  });
  if (res === 'mismatch') throw new AppError('PAYMENT_AMOUNT_MISMATCH');
  return res === 'ok';
}

/** UPLOADED after an unknown 6202: ask 6301; stores the split when the pay order turns out placed. */
export async function resolvePendingPayOrder(ctx: OrderContext, o: { id: string; payOrdId: string | null; payToken: string | null; patientId: string; totalFen: number; medOrgOrd: string | null }, actor = 'system'): Promise<boolean> {
  if (!o.payOrdId || !o.payToken) return false;
  const person = await patientIdentity(ctx, o.patientId);
  let r: SettlementQueryResult;
  try {
    r = await ctx.platforms.mobilePay().querySettlement({ payOrdId: o.payOrdId, payToken: o.payToken, idNo: person.idNumber, userName: person.name, idType: person.idType, expected: { feeSumamtFen: o.totalFen, ...(o.medOrgOrd ? { medOrgOrd: o.medOrgOrd } : {}) } });
  } catch (err) {
    ctx.logger.warn({ err, orderId: o.id }, '6301 for a pending pay order failed');
    return false;
  }
  if (r.ordStasClass === 'processing' && r.ordStas !== '0') return storePayOrder(ctx, o.id, r, actor, '6301');
  return false;
}

/** 6401 at the center for the order's current upload. 'settled' means it must NOT be cancelled. */
export async function revokeAtCenter(ctx: OrderContext, o: { id: string; payOrdId: string | null; payToken: string | null; patientId: string; totalFen: number }): Promise<'none' | 'revoked' | 'already_gone' | 'settled' | 'unknown'> {
  if (!o.payOrdId || !o.payToken) return 'none';
  const person = await patientIdentity(ctx, o.patientId);
  const mp = ctx.platforms.mobilePay();
  try {
    await mp.revokeUpload({ payOrdId: o.payOrdId, payToken: o.payToken, idNo: person.idNumber, userName: person.name, idType: person.idType });
    return 'revoked';
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    // Refused or unknown: what does the center say now?
    try {
      const q = await mp.querySettlement({ payOrdId: o.payOrdId, payToken: o.payToken, idNo: person.idNumber, userName: person.name, idType: person.idType });
      if (q.settled || q.ordStasClass === 'settled_candidate') return 'settled';
      if (q.ordStasClass === 'refunded' || q.ordStasClass === 'failed') return 'already_gone';
      if (q.ordStas === '12') return 'already_gone';
      return 'unknown';
    } catch {
      return 'unknown';
    }
  }
}

/** UPLOADED/PRE_SETTLED → 6401 → CREATED (ids cleared), for the account switch or a failed order. */
async function resplit(ctx: OrderContext, o: FullOrder, actor: string, why: string): Promise<void> {
  const r = await revokeAtCenter(ctx, o);
  if (r === 'settled') throw new AppError('ORDER_PAYMENT_IN_PROGRESS');
  if (r === 'unknown') throw new AppError('UPSTREAM_UNAVAILABLE');
  await withOrderLock(ctx.prisma, o.id, (tx, locked) => transition(tx, locked, 'resplit', { actor, data: CLEARED_UPLOAD, detail: { why, revoke: r, payOrdId: o.payOrdId } }));
}

async function chooseSelfPay(ctx: OrderContext, o: FullOrder, reason: SelfPayReason, actor: string, userId: string) {
  if (o.state === 'UPLOADED' || o.state === 'PRE_SETTLED') {
    await resplit(ctx, o, actor, 'self-pay chosen');
    o = await loadOwnOrder(ctx, userId, o.id);
  }
  if (o.state !== 'CREATED') throw new AppError('CONFLICT');
  if (o.payMode !== 'SELF_PAY' || o.selfPayReason !== reason) {
    await withOrderLock(ctx.prisma, o.id, (tx: Tx, locked) =>
      recordEvent(tx, locked, 'PAY_MODE_CHOSEN', { actor, data: { payMode: 'SELF_PAY', selfPayReason: reason, acctUsedFlag: false }, detail: { payMode: 'SELF_PAY', reason } }),
    );
    o = await loadOwnOrder(ctx, userId, o.id);
  }
  return buildCashierView(ctx, o);
}

/** The 6201 request of an order: the consultation fee as one service item, or the prescription's drugs. */
async function feeUploadRequest(
  ctx: OrderContext,
  o: FullOrder,
  a: { medOrgOrd: string; chrgBchno: string; person: PatientIdentity; psnNo: string; insutype: string; insuCode: string; acctUsedFlag: boolean; location: string; payAuthNo: string },
): Promise<FeeUploadRequest> {
  const now = ctx.now();
  const medType = await orderTextSetting(ctx.prisma, 'medType');
  let items: FeeUploadRequest['feedetailList'];
  let dept: { code: string; name: string; caty: string };
  let doctor: { name: string; code: string };
  let begntime: Date;
  let visitNo: string;
  let disease: { code: string; name: string } | null;
  if (o.kind === 'CONSULTATION' && o.consultation) {
    const c = o.consultation;
    const code = await orderTextSetting(ctx.prisma, 'consultationItemCode');
    dept = c.department;
    doctor = { name: c.doctor.name, code: c.doctor.insuranceDoctorCode ?? c.doctor.id.slice(0, 20) };
    begntime = c.createdAt;
    visitNo = c.consultationNo;
    disease = c.disease;
    items = [{ feedetlSn: `${a.medOrgOrd}01`, medListCodg: code, medinsListCodg: code, detItemFeeSumamtFen: o.totalFen, cnt: 1, pricFen: o.totalFen, bilgDeptCodg: dept.code, bilgDeptName: dept.name, bilgDrCodg: doctor.code, bilgDrName: doctor.name, feeOcurTime: now, extra: { medListName: CONSULTATION_ITEM_NAME } }];
  } else if (o.kind === 'PRESCRIPTION' && o.prescription) {
    const rx = o.prescription;
    dept = rx.consultation.department;
    doctor = { name: rx.doctor.name, code: rx.doctor.insuranceDoctorCode ?? rx.doctor.id.slice(0, 20) };
    begntime = rx.createdAt;
    visitNo = rx.consultation.consultationNo;
    disease = { code: rx.diagnosisCode, name: rx.diagnosisName };
    items = rx.items.map((i, n) => ({
      feedetlSn: `${a.medOrgOrd}${String(n + 1).padStart(2, '0')}`,
      rxno: rx.rxNo,
      medListCodg: i.drug.nationalCode,
      medinsListCodg: i.drug.nationalCode,
      detItemFeeSumamtFen: i.amountFen,
      cnt: i.quantity,
      pricFen: i.unitPriceFen,
      bilgDeptCodg: dept.code,
      bilgDeptName: dept.name,
      bilgDrCodg: doctor.code,
      bilgDrName: doctor.name,
      feeOcurTime: now,
    }));
  } else {
    throw new AppError('NOT_FOUND', { message: '订单内容不存在' });
  }
  const sum = items.reduce((s, i) => s + i.detItemFeeSumamtFen, 0);
  if (sum !== o.totalFen) {
    // The order's total must be exactly what is uploaded (rule 17): never rounded away.
    throw new AppError('PAYMENT_AMOUNT_MISMATCH', { message: '订单金额与费用明细不一致，订单已暂停处理，请联系医院' });
  }
  return {
    credential: { payAuthNo: a.payAuthNo },
    psnNo: a.psnNo,
    insutype: a.insutype,
    insuCode: a.insuCode,
    medOrgOrd: a.medOrgOrd,
    begntime,
    idNo: a.person.idNumber,
    userName: a.person.name,
    idType: a.person.idType,
    iptOtpNo: visitNo,
    atddrNo: doctor.code,
    drName: doctor.name,
    deptCode: dept.code,
    deptName: dept.name,
    caty: dept.caty,
    medType,
    feeType: '01',
    medfeeSumamtFen: o.totalFen,
    acctUsedFlag: a.acctUsedFlag,
    chrgBchno: a.chrgBchno,
    uldLatlnt: a.location,
    diseinfoList: disease ? [{ diagType: '1', diagSrtNo: '1', diagCode: disease.code, diagName: disease.name }] : [],
    feedetailList: items,
    notifyUrl: callbackUrls(ctx.config).mobilePay,
  };
}
