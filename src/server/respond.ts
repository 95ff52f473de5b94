/**
 * Answers the server gives itself (INTERFACE.md §4: redirect, status, auth, refused scripts, limit
 * errors): Apache's status line reason, its HTML body and charset, nothing on HEAD
 * (RFC 9110 §9.3.2), `Connection: close` when the request body was not read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_CONTENT_TYPE, errorPageBody, reasonPhrase } from './error-page';

export type ExtraHeaders = ReadonlyArray<readonly [string, string]>;

export function sendErrorPage(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  extraHeaders: ExtraHeaders = [],
  options: { location?: string; close?: boolean; additionalError?: number; customBody?: string } = {},
): void {
  // `ErrorDocument CODE "message"` replaces the page by the message, bytes as configured.
  const body =
    options.customBody !== undefined
      ? Buffer.from(options.customBody, 'utf8')
      : Buffer.from(errorPageBody(status, { method: req.method ?? 'GET', location: options.location, additionalError: options.additionalError }), 'latin1');
  res.statusCode = status;
  res.statusMessage = reasonPhrase(status);
  for (const [name, value] of extraHeaders) res.setHeader(name, value);
  if (options.location !== undefined) res.setHeader('Location', options.location);
  res.setHeader('Content-Type', ERROR_CONTENT_TYPE);
  res.setHeader('Content-Length', body.length);
  if (options.close) res.setHeader('Connection', 'close');
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The same page written straight to a socket, for errors Node's parser raised before a request existed. */
export function rawErrorResponse(status: number, method = 'GET', extraHeaders: ExtraHeaders = []): Buffer {
  const body = errorPageBody(status, { method });
  const head =
    `HTTP/1.1 ${status} ${reasonPhrase(status)}\r\n` +
    `Date: ${new Date().toUTCString()}\r\n` +
    extraHeaders.map(([name, value]) => `${name}: ${value}\r\n`).join('') +
    `Content-Length: ${Buffer.byteLength(body, 'latin1')}\r\n` +
    'Connection: close\r\n' +
    `Content-Type: ${ERROR_CONTENT_TYPE}\r\n\r\n`;
  return Buffer.from(head + body, 'latin1');
}
