/**
 * `fetch` with the benchmark caller's bearer token: every API request of the benchmarks is
 * authenticated like an integrator's, so the measured latency includes token verification.
 */
let bearer: string | undefined;

/** Sets the token {@link apiFetch} sends. */
export function useToken(token: string): void {
  bearer = token;
}

/** `fetch` plus `Authorization: Bearer <token>`. */
export function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (bearer && !headers.has('authorization')) headers.set('authorization', `Bearer ${bearer}`);
  return fetch(url, { ...init, headers });
}
