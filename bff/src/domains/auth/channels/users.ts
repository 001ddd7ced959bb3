/** Patient accounts keyed by the channel identity (WeChat openid, Alipay user id, national-APP ID hash). */
import { AppError } from '../../../lib/errors';
import type { Db } from '../../../deps';
import { isUniqueViolation } from '../../../lib/dbErrors';

export type ChannelKey = { wechatOpenId: string } | { alipayUserId: string } | { nationalAppIdHash: string };

export interface ChannelUser {
  id: string;
  created: boolean;
}

const SELECT = { id: true, role: true, status: true } as const;

/**
 * The patient account of a channel identity, created on first sign-in. A channel identity that
 * belongs to a staff account is refused (staff sign in with their hospital account only), a
 * disabled account too.
 */
export async function findOrCreatePatientUser(prisma: Db, key: ChannelKey, extra: { wechatUnionId?: string | null } = {}): Promise<ChannelUser> {
  let user = await prisma.user.findUnique({ where: key, select: SELECT });
  let created = false;
  if (!user) {
    try {
      user = await prisma.user.create({ data: { role: 'PATIENT', ...key, ...(extra.wechatUnionId ? { wechatUnionId: extra.wechatUnionId } : {}) }, select: SELECT });
      created = true;
    } catch (err) {
      // Two first sign-ins at once: the other one created it.
      if (!isUniqueViolation(err)) throw err;
      user = await prisma.user.findUnique({ where: key, select: SELECT });
      if (!user) throw err;
    }
  }
  if (user.role !== 'PATIENT') throw new AppError('FORBIDDEN', { message: '该账号为医护人员账号，请使用医院分配的账号密码登录' });
  if (user.status !== 'ACTIVE') throw new AppError('ACCOUNT_DISABLED');
  await prisma.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { id: user.id, created };
}
