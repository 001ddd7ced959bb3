/** Addresses inside the H5 build (hash router): `<PUBLIC_BASE_URL>/#/pages/…?query`. */
export function h5Url(publicBaseUrl: string, route: string, query: Record<string, string | null | undefined> = {}): string {
  const qs = Object.entries(query)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  // Everything after '#' stays in the browser: never sent to a server, never in a Referer.
  return `${publicBaseUrl.replace(/\/+$/, '')}/#${route}${qs ? `?${qs}` : ''}`;
}
