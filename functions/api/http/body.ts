/**
 * Reads a request body within a byte limit: the stream is read chunk by chunk and abandoned as
 * soon as it passes the limit (a 10 MB body is never held whole), and a `Content-Encoding: gzip`
 * body is inflated under the same limit; other encodings are 415.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#name-content-encoding
 */
import { gunzipSync } from 'node:zlib';
import { badRequest, payloadTooLarge, unsupportedMediaType } from '../../shared/errors.js';

const tooLarge = (maxBytes: number, what = 'The request body'): Error => payloadTooLarge(`${what} exceeds the limit of ${maxBytes} bytes`);

/** The raw bytes of `stream`, at most `maxBytes` (413 beyond). */
async function readLimited(stream: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Uint8Array> {
  if (!stream) return new Uint8Array();
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
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
  const raw = await readLimited(request.body, maxBytes);
  if (encoding === 'identity') return raw;
  try {
    return gunzipSync(raw, { maxOutputLength: maxBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes, 'The decompressed request body');
    throw badRequest('The request body is not valid gzip data', undefined, 'structure');
  }
}
