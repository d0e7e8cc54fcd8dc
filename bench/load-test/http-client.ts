/**
 * A minimal HTTP/1.1 client over `node:http` with keep-alive: one socket per in-flight request,
 * never more than the agent allows, so a closed loop of N workers holds exactly N connections.
 */
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

/** A response with its body read to the end. */
export interface HttpResult {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** What to send. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  /** Path and query, e.g. `/fhir/Goal/abc`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** Sends requests to one loopback server. */
export class LoopbackClient {
  private readonly agent: Agent;

  constructor(
    private readonly port: number,
    connections: number,
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  /** Sends `req` to 127.0.0.1; rejects on a transport error or after the timeout. */
  send(req: HttpRequest): Promise<HttpResult> {
    const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
    const headers: Record<string, string> = { accept: 'application/fhir+json', ...req.headers };
    if (payload !== undefined) {
      headers['content-type'] = 'application/fhir+json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const outgoing = request({ agent: this.agent, host: '127.0.0.1', port: this.port, method: req.method, path: req.path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      outgoing.setTimeout(this.timeoutMs, () => outgoing.destroy(new Error(`no response within ${this.timeoutMs} ms`)));
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  /** Closes the idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }
}
