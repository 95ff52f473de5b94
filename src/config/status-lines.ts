/**
 * The status codes Apache 2.4 knows by name (httpd modules/http/http_protocol.c `status_lines`) and
 * `ap_index_of_response`: a code without a line there (418, 420, 600 …) shares the 500 slot. That
 * decides which codes `ErrorDocument` accepts (server/core.c `set_error_document`) and which line the
 * "Additionally, a … error" sentence of ap_send_error_response names.
 */
const STATUS_LINES: ReadonlyMap<number, string> = new Map(
  [
    '100 Continue', '101 Switching Protocols', '102 Processing',
    '200 OK', '201 Created', '202 Accepted', '203 Non-Authoritative Information', '204 No Content',
    '205 Reset Content', '206 Partial Content', '207 Multi-Status', '208 Already Reported', '226 IM Used',
    '300 Multiple Choices', '301 Moved Permanently', '302 Found', '303 See Other', '304 Not Modified',
    '305 Use Proxy', '307 Temporary Redirect', '308 Permanent Redirect',
    '400 Bad Request', '401 Unauthorized', '402 Payment Required', '403 Forbidden', '404 Not Found',
    '405 Method Not Allowed', '406 Not Acceptable', '407 Proxy Authentication Required', '408 Request Timeout',
    '409 Conflict', '410 Gone', '411 Length Required', '412 Precondition Failed', '413 Request Entity Too Large',
    '414 Request-URI Too Long', '415 Unsupported Media Type', '416 Requested Range Not Satisfiable',
    '417 Expectation Failed', '421 Misdirected Request', '422 Unprocessable Entity', '423 Locked',
    '424 Failed Dependency', '426 Upgrade Required', '428 Precondition Required', '429 Too Many Requests',
    '431 Request Header Fields Too Large', '451 Unavailable For Legal Reasons',
    '500 Internal Server Error', '501 Not Implemented', '502 Bad Gateway', '503 Service Unavailable',
    '504 Gateway Timeout', '505 HTTP Version Not Supported', '506 Variant Also Negotiates',
    '507 Insufficient Storage', '508 Loop Detected', '510 Not Extended', '511 Network Authentication Required',
  ].map((line) => [Number(line.slice(0, 3)), line] as const),
);

/**
 * ap_index_of_response expressed as the code whose slot `status` uses: itself when Apache has a
 * status line for it, else 500.
 */
export function responseSlot(status: number): number {
  return STATUS_LINES.has(status) ? status : 500;
}

/** Apache's status line for `status` (`404 Not Found`), the 500 line for codes it does not know. */
export function apacheStatusLine(status: number): string {
  return STATUS_LINES.get(responseSlot(status))!;
}
