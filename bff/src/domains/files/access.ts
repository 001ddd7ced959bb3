/**
 * Who besides the owner may read an attached file: one policy per `refType`, registered by the
 * domain that attaches files of that type ('consultation' by the consult domain; a self-service
 * domain would register 'self_service_application'). A file nobody may read answers 404.
 */
import type { Db } from '../../deps';
import type { AuthUser } from '../auth/sessions';

export type FileAccessPolicy = (prisma: Db, user: AuthUser, refId: string) => Promise<boolean>;

const policies = new Map<string, FileAccessPolicy>();

export function registerFileAccess(refType: string, policy: FileAccessPolicy): void {
  policies.set(refType, policy);
}

export async function mayReadAttached(prisma: Db, user: AuthUser, refType: string | null, refId: string | null): Promise<boolean> {
  if (!refType || !refId) return false;
  const policy = policies.get(refType);
  return policy ? policy(prisma, user, refId) : false;
}
