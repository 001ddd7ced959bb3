import Taro from '@tarojs/taro';

/** The current page's query parameters (decoded; mini-programs hand them over as passed). */
export function pageParams(): Record<string, string> {
  const raw = (Taro.getCurrentInstance().router?.params ?? {}) as Record<string, string | undefined>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'string' || k.startsWith('$')) continue;
    try {
      out[k] = decodeURIComponent(v);
    } catch {
      out[k] = v;
    }
  }
  return out;
}

/** A page URL with query parameters (encoded). */
export function withQuery(url: string, query: Record<string, string | undefined>): string {
  const qs = Object.entries(query)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return qs ? `${url}?${qs}` : url;
}
