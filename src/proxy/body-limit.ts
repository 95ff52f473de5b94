/**
 * LimitRequestBody for bodies without a Content-Length (chunked): counted as they stream through,
 * failing with SG_ERR_SERVER_BODY_TOO_LARGE (413) the moment the limit is passed, so a large upload
 * is never buffered to be measured (httpd.apache.org/docs/2.4/mod/core.html#limitrequestbody).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { SgError } from '../errors';

export class BodyLimit extends Transform {
  private seenBytes = 0;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seenBytes += chunk.length;
    if (this.seenBytes > this.limitBytes) {
      callback(new SgError('SG_ERR_SERVER_BODY_TOO_LARGE', { limit: this.limitBytes }));
      return;
    }
    callback(null, chunk);
  }
}
