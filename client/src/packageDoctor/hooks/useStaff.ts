import { useRef } from 'react';
import { useDidShow } from '@tarojs/taro';
import type { MeResponse } from '@ih/contract';
import { useApi, type ApiState } from '../../hooks/useApi';
import { getMe } from '../../services/auth';

export type StaffRole = 'DOCTOR' | 'PHARMACIST';

/** A signed-in doctor or pharmacist (the BFF checks the role on every call; this only picks the view). */
export type Staff = MeResponse & { role: StaffRole };

export function isStaff(me: MeResponse | null | undefined): me is Staff {
  return !!me && (me.role === 'DOCTOR' || me.role === 'PHARMACIST');
}

/**
 * Who is signed in, read again whenever the page shows (back from sign-in, or signed out in
 * another page). null = no session.
 */
export function useStaff(): ApiState<MeResponse | null> {
  const state = useApi(() => getMe({ silent: true }));
  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current) state.reload();
    shownOnce.current = true;
  });
  return state;
}
