/**
 * Server-side state of redirects and multi-step authorizations (table auth_flows):
 *   NHSA_LOGIN / NHSA_VOUCHER  the `state` of a national-APP round trip
 *   ALIPAY_VOUCHER             an Alipay authorization waiting for the user on Alipay's page
 *   LOGIN_HANDOFF              the one-time code the H5 swaps for its session tokens
 *
 * - The value handed out (state, handoff code, attempt id) is 32 random bytes; only its keyed
 *   hash is stored, so a database dump cannot be replayed.
 * - Single use: `claim` marks the row used with a guarded UPDATE (… WHERE used_at IS NULL AND
 *   expires_at > now); of two concurrent claims exactly one wins.
 * - Short-lived (minutes), and optionally bound to the browser that started the round trip: the
 *   start answer sets an HttpOnly SameSite=Lax cookie, the row keeps its hash, and the return
 *   must bring the same cookie (a state or handoff code leaked into another browser is useless).
 * - `data` (e.g. the Alipay access token) is stored encrypted.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import type { FieldCipher } from '@ih/db';
import type { ClientChannel } from '@ih/contract';
import type { Db } from '../../deps';

export type AuthFlowKind = 'NHSA_LOGIN' | 'NHSA_VOUCHER' | 'ALIPAY_VOUCHER' | 'LOGIN_HANDOFF';

export interface AuthFlowRow {
  id: string;
  kind: AuthFlowKind;
  userId: string | null;
  patientId: string | null;
  orderId: string | null;
  purpose: 'PAYMENT' | 'REFUND' | null;
  channel: ClientChannel | null;
  returnTo: string | null;
  dataEnc: string | null;
  expiresAt: Date;
}

export type ClaimFailure = 'unknown' | 'expired' | 'used' | 'binding' | 'owner';
export type ClaimResult = { ok: true; flow: AuthFlowRow } | { ok: false; reason: ClaimFailure };

export interface CreateFlowInput {
  kind: AuthFlowKind;
  ttlSeconds: number;
  /** The browser binding (cookie value) to require on return; null = none. */
  binding?: string | null;
  userId?: string | null;
  patientId?: string | null;
  orderId?: string | null;
  purpose?: 'PAYMENT' | 'REFUND' | null;
  channel?: ClientChannel | null;
  returnTo?: string | null;
  /** Encrypted at rest. */
  data?: Record<string, unknown> | null;
}

const SELECT = {
  id: true, kind: true, userId: true, patientId: true, orderId: true, purpose: true, channel: true, returnTo: true, dataEnc: true, expiresAt: true,
} as const;

/** 43 characters of base64url (256 bits). */
export function newFlowValue(): string {
  return randomBytes(32).toString('base64url');
}

export class AuthFlowStore {
  private readonly now: () => Date;

  constructor(private readonly deps: { prisma: Db; cipher: FieldCipher; now?: () => Date }) {
    this.now = deps.now ?? (() => new Date());
  }

  private hash(value: string): string {
    return this.deps.cipher.hash(`auth_flow:${value}`);
  }

  private aad(kind: AuthFlowKind): string {
    return `auth_flows:${kind}`;
  }

  async create(input: CreateFlowInput): Promise<{ value: string; id: string; expiresAt: Date }> {
    const value = newFlowValue();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + input.ttlSeconds * 1000);
    const row = await this.deps.prisma.authFlow.create({
      data: {
        kind: input.kind,
        stateHash: this.hash(value),
        bindingHash: input.binding ? this.hash(`binding:${input.binding}`) : null,
        userId: input.userId ?? null,
        patientId: input.patientId ?? null,
        orderId: input.orderId ?? null,
        purpose: input.purpose ?? null,
        channel: input.channel ?? null,
        returnTo: input.returnTo ?? null,
        dataEnc: input.data ? this.deps.cipher.encrypt(JSON.stringify(input.data), this.aad(input.kind)) : null,
        createdAt: now,
        expiresAt,
      },
      select: { id: true },
    });
    return { value, id: row.id, expiresAt };
  }

  /**
   * Uses a flow once. Checks kind, browser binding and owner first (a mismatch does not use the
   * flow up), then claims it atomically.
   */
  async claim(kind: AuthFlowKind, value: string | undefined | null, opts: { binding?: string | null; userId?: string } = {}): Promise<ClaimResult> {
    if (!value || value.length > 128) return { ok: false, reason: 'unknown' };
    const row = await this.deps.prisma.authFlow.findUnique({ where: { stateHash: this.hash(value) }, select: { ...SELECT, bindingHash: true, usedAt: true } });
    if (!row || row.kind !== kind) return { ok: false, reason: 'unknown' };
    if (row.usedAt) return { ok: false, reason: 'used' };
    const now = this.now();
    if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
    if (row.bindingHash && (!opts.binding || this.hash(`binding:${opts.binding}`) !== row.bindingHash)) return { ok: false, reason: 'binding' };
    if (opts.userId !== undefined && row.userId !== opts.userId) return { ok: false, reason: 'owner' };
    const claimed = await this.deps.prisma.authFlow.updateMany({ where: { id: row.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } });
    if (claimed.count !== 1) return { ok: false, reason: 'used' };
    const { bindingHash: _b, usedAt: _u, ...flow } = row;
    return { ok: true, flow: flow as AuthFlowRow };
  }

  /** The decrypted `data` of a claimed flow. */
  data<T extends Record<string, unknown>>(flow: AuthFlowRow): T | null {
    if (!flow.dataEnc) return null;
    return JSON.parse(this.deps.cipher.decrypt(flow.dataEnc, this.aad(flow.kind))) as T;
  }

  /** Deletes flows that ended more than `graceHours` ago (for a periodic job). */
  async purgeExpired(graceHours = 24): Promise<number> {
    const cutoff = new Date(this.now().getTime() - graceHours * 3_600_000);
    const r = await this.deps.prisma.authFlow.deleteMany({ where: { expiresAt: { lt: cutoff } } });
    return r.count;
  }
}

// ── the browser binding cookie ─────────────────────────────────────────────────────────────────
export interface BindingCookie {
  name: string;
  /** Narrowest path covering the start, the return and the swap. */
  path: string;
  maxAgeSeconds: number;
}

/** Sets a fresh binding cookie (HttpOnly, SameSite=Lax so it comes back on the top-level redirect) and returns its value. */
export function setBindingCookie(ctx: Context, cookie: BindingCookie): string {
  const value = newFlowValue();
  ctx.cookies.set(cookie.name, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: cookie.path,
    maxAge: cookie.maxAgeSeconds * 1000,
    overwrite: true,
  });
  return value;
}

export function readBindingCookie(ctx: Context, cookie: BindingCookie): string | null {
  const v = ctx.cookies.get(cookie.name);
  return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : null;
}

export function clearBindingCookie(ctx: Context, cookie: BindingCookie): void {
  ctx.cookies.set(cookie.name, '', { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: cookie.path, maxAge: 0, overwrite: true });
}
