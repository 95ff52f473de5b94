/**
 * One request/response exchange with a backend, as an undici dispatch handler (undici 7's
 * `DispatchHandler`: onRequestStart … onResponseEnd / onResponseError, `lib/dispatcher/dispatcher.js`
 * contract, one error channel). The response streams into the client's ServerResponse with
 * backpressure by the contract: `res.write()` returning false pauses the controller, the
 * response's 'drain' resumes it. The client closing before the end aborts the backend request, so
 * its connection is discarded instead of returned to the pool half-read.
 *
 * A class rather than closures: one allocation per request on a path that runs tens of thousands
 * of times a second.
 */
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { SgError } from '../errors';
import type { HeaderList } from '../routing/decision';
import { copyResponseHeaders } from './forward-headers';
import type { ReverseRule } from './location-rewrite';
import { translateProxyError, type BackendErrorReason } from './proxy-errors';

export interface ProxyFailure {
  readonly error: SgError;
  readonly reason: BackendErrorReason;
  /** False when the response head had already gone out: the connection must be cut instead. */
  readonly beforeHeaders: boolean;
  /** The backend sent no response head at all (what makes a retry of an idempotent request safe). */
  readonly beforeBackendAnswer: boolean;
}

/** ProxyErrorOverride took the backend's error status: the gateway answers it itself (ap_die). */
export interface ProxyOverride {
  readonly overriddenStatus: number;
}

export interface ExchangeOutput {
  /** Headers the configuration adds to the response (mod_headers …), applied over the backend's. */
  readonly responseHeaders: HeaderList;
  readonly reverseRules: readonly ReverseRule[];
  readonly clientOrigin: string;
  readonly applyResponseHeaders: (res: ServerResponse, headers: HeaderList) => void;
  /** Sent instead of the backend's 200 (an ErrorDocument page the backend runs keeps the error's status). */
  readonly statusInsteadOf200?: number;
  /** Sent instead of any backend status that is not overridden (a proxied ErrorDocument page under ProxyErrorOverride). */
  readonly statusInsteadOfAny?: number;
  /** ProxyErrorOverride: whether a backend status is answered by the gateway instead (its body is discarded). */
  readonly overrides?: (status: number) => boolean;
}

export class ProxyExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  /** The backend's status and fields were copied onto `res` (not necessarily written yet). */
  private backendHeadCopied = false;
  private clientGone = false;
  /** The backend's status under ProxyErrorOverride: its body is read and dropped. */
  private overridden: number | null = null;
  private readonly onDrain = (): void => this.controller?.resume();
  private readonly onClose = (): void => this.clientClosed();

  constructor(
    private readonly url: string,
    private readonly res: ServerResponse,
    private readonly output: ExchangeOutput,
    private readonly resolve: (failure: ProxyFailure | ProxyOverride | null) => void,
  ) {
    res.on('close', this.onClose);
    res.on('drain', this.onDrain);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new SgError('SG_ERR_PROXY_CLIENT_ABORTED', { url: this.url }));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // 1xx interim answers stay between us and the backend
    const { res, output } = this;
    if (output.overrides?.(statusCode)) {
      // mod_proxy_http: "Discard body" and return the status to ap_die.
      this.overridden = statusCode;
      return;
    }
    res.statusCode = output.statusInsteadOfAny ?? (statusCode === 200 && output.statusInsteadOf200 !== undefined ? output.statusInsteadOf200 : statusCode);
    copyResponseHeaders(res, headers, output.reverseRules, output.clientOrigin);
    output.applyResponseHeaders(res, output.responseHeaders);
    this.backendHeadCopied = true;
    // undici hands head, body and end of a small answer over in one parser run: corked, they
    // leave in one writev instead of two or three.
    res.cork();
    process.nextTick(uncork, res);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.overridden !== null) return;
    if (!this.res.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    if (this.overridden !== null) {
      this.settle({ overriddenStatus: this.overridden });
      return;
    }
    this.res.end();
    this.settle(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  /** The exchange failed: undici's error channel, or a dispatch that threw synchronously. */
  fail(err: unknown): void {
    const cause = this.clientGone ? new SgError('SG_ERR_PROXY_CLIENT_ABORTED', { url: this.url }, { cause: err }) : err;
    const { error, reason } = translateProxyError(cause, this.url);
    // undici reports the backend's head before it parses the body, so a body broken at its first
    // byte (a bad first chunk-size, RFC 9112 §7.1) fails after onResponseStart but before anything
    // was written to the client. The head is still ours to choose then: drop what was copied from
    // the backend (its ETag or Content-Encoding must not describe our 502 page) and let the caller
    // answer 502/504 rather than cut a connection that has carried nothing.
    const beforeHeaders = !this.res.headersSent;
    if (beforeHeaders && this.backendHeadCopied) {
      for (const name of this.res.getHeaderNames()) this.res.removeHeader(name);
    }
    this.settle({ error, reason, beforeHeaders, beforeBackendAnswer: !this.backendHeadCopied });
  }

  /**
   * 'close' before end() was called means the client went away mid-exchange. (Not
   * `writableFinished`: under load the socket still holds the last bytes when 'close' comes, and
   * aborting then would throw away a healthy pooled connection.)
   */
  private clientClosed(): void {
    if (this.res.writableEnded) return;
    this.clientGone = true;
    const reason = new SgError('SG_ERR_PROXY_CLIENT_ABORTED', { url: this.url });
    if (this.controller && !this.controller.aborted) this.controller.abort(reason);
    this.fail(reason);
  }

  private settle(result: ProxyFailure | ProxyOverride | null): void {
    if (this.settled) return;
    this.settled = true;
    this.res.removeListener('close', this.onClose);
    this.res.removeListener('drain', this.onDrain);
    this.resolve(result);
  }
}

function uncork(res: ServerResponse): void {
  res.uncork();
}
