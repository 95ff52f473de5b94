/**
 * Apache's own error and redirect bodies (httpd `modules/http/http_protocol.c`
 * `get_canned_error_string`, `ap_send_error_response`), byte for byte as Apache 2.4.71 sends them
 * with `ServerSignature Off` — checked against a real Apache in test/server/error-page.test.ts.
 * `Content-Type: text/html; charset=iso-8859-1` as the conformance cases observe (INTERFACE.md §4).
 */

import { apacheStatusLine } from '../config/status-lines';

export const ERROR_CONTENT_TYPE = 'text/html; charset=iso-8859-1';

/** Apache's status lines (http_protocol.c `status_lines`), where they differ from Node's. */
const APACHE_REASONS: Record<number, string> = {
  413: 'Request Entity Too Large',
  414: 'Request-URI Too Long',
  416: 'Requested Range Not Satisfiable',
  431: 'Request Header Fields Too Large',
};

const NODE_REASONS: Record<number, string> = {
  200: 'OK', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 305: 'Use Proxy',
  307: 'Temporary Redirect', 308: 'Permanent Redirect', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  408: 'Request Timeout', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed',
  415: 'Unsupported Media Type', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return APACHE_REASONS[status] ?? NODE_REASONS[status] ?? 'Unknown';
}

/** Escapes what Apache's `ap_escape_html` escapes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

export interface ErrorPageContext {
  readonly method: string;
  /** For 3xx: the Location. */
  readonly location?: string;
  /** A failed ErrorDocument: the status ap_send_error_response names in its "Additionally" sentence. */
  readonly additionalError?: number;
}

function cannedText(status: number, ctx: ErrorPageContext): string {
  const loc = escapeHtml(ctx.location ?? '');
  switch (status) {
    case 301:
    case 302:
    case 307:
    case 308:
      return `<p>The document has moved <a href="${loc}">here</a>.</p>\n`;
    case 303:
      return `<p>The answer to your request is located <a href="${loc}">here</a>.</p>\n`;
    case 305:
      return `<p>This resource is only accessible through the proxy\n${loc}<br />\nYou will need to configure your client to use that proxy.</p>\n`;
    case 400:
      return '<p>Your browser sent a request that this server could not understand.<br />\n</p>\n';
    case 401:
      return (
        '<p>This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\n' +
        "credentials (e.g., bad password), or your\nbrowser doesn't understand how to supply\nthe credentials required.</p>\n"
      );
    case 403:
      return "<p>You don't have permission to access this resource.</p>\n";
    case 404:
      return '<p>The requested URL was not found on this server.</p>\n';
    case 405:
      return `<p>The requested method ${escapeHtml(ctx.method)} is not allowed for this URL.</p>\n`;
    case 408:
      return '<p>Server timeout waiting for the HTTP request from the client.</p>\n';
    case 410:
      return (
        '<p>The requested resource is no longer available on this server and there is no forwarding address.\n' +
        'Please remove all references to this resource.</p>\n'
      );
    case 413:
      return (
        `The requested resource does not allow request data with ${escapeHtml(ctx.method)} requests, or the amount of data provided in\n` +
        'the request exceeds the capacity limit.\n'
      );
    case 414:
      return "<p>The requested URL's length exceeds the capacity\nlimit for this server.<br />\n</p>\n";
    case 415:
      return '<p>The supplied request data is not in a format\nacceptable for processing by this resource.</p>\n';
    case 416:
      return '<p>None of the range-specifier values in the Range\nrequest-header field overlap the current extent\nof the selected resource.</p>\n';
    case 431:
      return '<p>The number of request header fields exceeds this server\'s limit.</p>\n';
    case 501:
      return `<p>${escapeHtml(ctx.method)} not supported for current URL.<br />\n</p>\n`;
    case 502:
      return '<p>The proxy server received an invalid\nresponse from an upstream server.<br />\n</p>\n';
    case 503:
      return (
        '<p>The server is temporarily unable to service your\nrequest due to maintenance downtime or capacity\n' +
        'problems. Please try again later.</p>\n'
      );
    case 504:
      return '<p>The gateway did not receive a timely response\nfrom the upstream server or application.</p>\n';
    default:
      return (
        '<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n' +
        '<p>Please contact the server administrator at \n you@example.com to inform them of the time this error occurred,\n' +
        ' and the actions you performed just before this error.</p>\n' +
        '<p>More information about this error may be available\nin the server error log.</p>\n'
      );
  }
}

/** The whole body Apache sends for `status` (ServerSignature Off). */
export function errorPageBody(status: number, ctx: ErrorPageContext): string {
  const title = `${status} ${reasonPhrase(status)}`;
  return (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">\n' +
    `<html><head>\n<title>${title}</title>\n</head><body>\n<h1>${reasonPhrase(status)}</h1>\n` +
    cannedText(status, ctx) +
    (ctx.additionalError !== undefined
      ? `<p>Additionally, a ${apacheStatusLine(ctx.additionalError)}\nerror was encountered while trying to use an ErrorDocument to handle the request.</p>\n`
      : '') +
    '</body></html>\n'
  );
}
