/**
 * Reads a request body within a byte limit: the stream is read chunk by chunk and abandoned as
 * soon as it passes the limit (a 10 MB body is never held whole), and a `Content-Encoding: gzip`
 * body is inflated under the same limit; other encodings are 415. A client that closes the
 * connection while its body is being read is a {@link ClientClosedRequestError}, not a failure.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-content-encoding
 */
import { gunzipSync } from 'node:zlib';
import { badRequest, ClientClosedRequestError, payloadTooLarge, unsupportedMediaType } from '../../shared/errors.js';

const tooLarge = (maxBytes: number, what = 'The request body'): Error => payloadTooLarge(`${what} exceeds the limit of ${maxBytes} bytes`);

/** Whether a failed body read means the client went away (Node's `aborted` reset, or the request's signal). */
const closedByClient = (error: unknown, signal: AbortSignal): boolean => signal.aborted || (error as { code?: unknown } | null)?.code === 'ECONNRESET';

/** The raw bytes of the request's body, at most `maxBytes` (413 beyond). */
async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((error: unknown) => {
      throw closedByClient(error, request.signal) ? new ClientClosedRequestError(error) : error;
    });
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The decoded body bytes (identity or gzip), at most `maxBytes` after decoding. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw payloadTooLarge(`The request body (${declared} bytes) exceeds the limit of ${maxBytes} bytes`);
  const encoding = (request.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw unsupportedMediaType(`Content-Encoding '${encoding}' is not supported; send identity or gzip`);
  }
  const raw = await readLimited(request, maxBytes);
  if (encoding === 'identity') return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes, 'The decompressed request body');
    throw badRequest('The request body is not valid gzip data', undefined, 'structure');
  }
}
