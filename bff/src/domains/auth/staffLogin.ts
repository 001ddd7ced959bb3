/**
 * Staff sign-in (doctors, pharmacists): username + password (scrypt, prisma/src/password.ts).
 *
 * - One generic answer (INVALID_CREDENTIALS) for an unknown account, a wrong password and a
 *   non-staff account; an unknown account still costs one scrypt run, so timing tells little.
 * - After `staff_login_max_failures` failures in a row (default STAFF_LOGIN_MAX_FAILURES = 5) the
 *   account is locked for `staff_lockout_minutes` (default STAFF_LOCKOUT_MINUTES = 15): 423
 *   ACCOUNT_LOCKED with Retry-After, whatever the password. The lock ends by itself; the count
 *   restarts after it and after every successful sign-in. Settings rows win over the config.
 * - Every outcome is audited (auth.staff_login.success / .failure / .lockout / .locked /
 *   .disabled) without the username or password: the user id when the account exists, the
 *   reason, the failure count, the client channel, request id and IP.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { hashPassword, verifyPassword } from '@ih/db';
import { STAFF_ROLES, type ClientChannel, type StaffLoginRequest, type UserRole } from '@ih/contract';
import { AppError } from '../../lib/errors';
import { audit } from '../../lib/audit';
import { settingInt } from '../../lib/settings';
import type { Config } from '../../config';
import type { Db } from '../../deps';
import type { Logger } from '../../logger';
import type { IssuedSession, SessionService } from './sessions';
import { requestChannel, requestUserAgent } from './middleware';

export const SETTING_MAX_FAILURES = 'staff_login_max_failures';
export const SETTING_LOCKOUT_MINUTES = 'staff_lockout_minutes';

const STAFF = new Set<UserRole>(STAFF_ROLES);

/** A hash of a random password with the default cost: unknown accounts verify against it. */
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(18).toString('base64'));
  return dummyHash;
}

export interface StaffLoginDeps {
  prisma: Db;
  logger: Logger;
  config: Pick<Config, 'auth'>;
  sessions: SessionService;
  now?: () => Date;
}

export interface StaffLoginResult extends IssuedSession {
  userId: string;
  role: UserRole;
  channel: ClientChannel;
}

export class StaffLoginService {
  private readonly now: () => Date;

  constructor(private readonly deps: StaffLoginDeps) {
    this.now = deps.now ?? (() => new Date());
    // Computed ahead so the first unknown-account attempt is not faster than the others.
    void getDummyHash();
  }

  async policy(): Promise<{ maxFailures: number; lockoutMinutes: number }> {
    const { prisma, logger, config } = this.deps;
    const [maxFailures, lockoutMinutes] = await Promise.all([
      settingInt(prisma, SETTING_MAX_FAILURES, config.auth.staffMaxFailedLogins, { min: 1, max: 100 }, logger),
      settingInt(prisma, SETTING_LOCKOUT_MINUTES, config.auth.staffLockoutMinutes, { min: 1, max: 1440 }, logger),
    ]);
    return { maxFailures, lockoutMinutes };
  }

  async login(ctx: Context, input: StaffLoginRequest & { username: string }): Promise<StaffLoginResult> {
    const { prisma, logger, sessions } = this.deps;
    const channel = requestChannel(ctx);
    const record = (action: string, userId: string | null, role: string | null, details: Record<string, string | number | boolean | null>) =>
      audit(prisma, logger, ctx, { action: `auth.staff_login.${action}`, targetType: 'user', targetId: userId, actorUserId: userId, actorRole: role, details: { channel, ...details } });

    const user = await prisma.user.findUnique({
      where: { username: input.username },
      select: { id: true, role: true, status: true, passwordHash: true, failedLoginCount: true, lockedUntil: true },
    });

    if (!user || !user.passwordHash || !STAFF.has(user.role)) {
      await verifyPassword(input.password, await getDummyHash());
      await record('failure', null, null, { reason: 'unknown_account' });
      throw new AppError('INVALID_CREDENTIALS');
    }

    const now = this.now();
    if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
      await record('locked', user.id, user.role, { reason: 'locked' });
      throw this.lockedError(user.lockedUntil, now);
    }

    const ok = await verifyPassword(input.password, user.passwordHash);
    if (!ok) {
      const { maxFailures, lockoutMinutes } = await this.policy();
      // A lock that has run out starts the count again.
      if (user.lockedUntil) {
        await prisma.user.updateMany({ where: { id: user.id, lockedUntil: { lte: now } }, data: { failedLoginCount: 0, lockedUntil: null } });
      }
      const updated = await prisma.user.update({ where: { id: user.id }, data: { failedLoginCount: { increment: 1 } }, select: { failedLoginCount: true } });
      if (updated.failedLoginCount >= maxFailures) {
        const lockedUntil = new Date(now.getTime() + lockoutMinutes * 60_000);
        await prisma.user.update({ where: { id: user.id }, data: { lockedUntil } });
        await record('lockout', user.id, user.role, { reason: 'too_many_failures', failedCount: updated.failedLoginCount, lockoutMinutes });
        throw this.lockedError(lockedUntil, now);
      }
      await record('failure', user.id, user.role, { reason: 'bad_password', failedCount: updated.failedLoginCount });
      throw new AppError('INVALID_CREDENTIALS');
    }

    if (user.status !== 'ACTIVE') {
      await record('disabled', user.id, user.role, { reason: user.status.toLowerCase() });
      throw new AppError('ACCOUNT_DISABLED');
    }

    await prisma.user.update({ where: { id: user.id }, data: { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now } });
    const issued = await sessions.issueSession(user.id, channel, requestUserAgent(ctx));
    await record('success', user.id, user.role, { sessionId: issued.sessionId });
    return { ...issued, userId: user.id, role: user.role, channel };
  }

  private lockedError(until: Date, now: Date): AppError {
    const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    return new AppError('ACCOUNT_LOCKED', { headers: { 'Retry-After': String(seconds) } });
  }
}
