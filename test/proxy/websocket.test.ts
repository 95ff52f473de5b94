/**
 * WebSocket through the gateway (RFC 6455; the tunnel of src/proxy/upgrade-tunnel.ts): a tiny echo
 * server written here (node:http 'upgrade' + raw frames, no dependency) behind the gateway, and a
 * raw-socket client. Also: an Upgrade request the routing core does not proxy is answered as a
 * normal request, and an unreachable backend gives 502.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import { rawExchange, statusOf } from '../helpers/http-client';
import { freePort } from '../helpers/apache-backend';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One unmasked (server) or masked (client) text frame with a payload under 126 bytes. */
function frame(payload: string, masked: boolean): Buffer {
  const data = Buffer.from(payload);
  if (!masked) return Buffer.concat([Buffer.from([0x81, data.length]), data]);
  const mask = randomBytes(4);
  const out = Buffer.from(data.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x81, 0x80 | data.length]), mask, out]);
}

function unframe(buf: Buffer): string {
  const length = buf[1]! & 0x7f;
  if (buf[1]! & 0x80) {
    const mask = buf.subarray(2, 6);
    return Buffer.from(buf.subarray(6, 6 + length).map((b, i) => b ^ mask[i % 4]!)).toString();
  }
  return buf.subarray(2, 2 + length).toString();
}

async function echoServer(t: TestContext): Promise<{ url: string; seenHeaders: Array<Record<string, unknown>> }> {
  const seenHeaders: Array<Record<string, unknown>> = [];
  const server = createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req, socket: Socket) => {
    seenHeaders.push(req.headers);
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    socket.on('data', (d: Buffer) => socket.write(frame(`echo:${unframe(d)}`, false)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seenHeaders };
}

function handshake(port: number, path: string): Promise<{ socket: Socket; head: string }> {
  return new Promise((resolve, reject) => {
    const key = randomBytes(16).toString('base64');
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ws.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end >= 0) {
        socket.removeListener('data', onData);
        const expected = createHash('sha1').update(`${key}${GUID}`).digest('base64');
        if (statusOf(text) === 101 && !text.includes(expected)) reject(new Error('bad Sec-WebSocket-Accept'));
        resolve({ socket, head: text.slice(0, end) });
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
  });
}

test('a WebSocket echo works through the gateway', async (t) => {
  const echo = await echoServer(t);
  const gw = await startGateway(t, {
    settings: { backend: { url: echo.url, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 1000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connections: 4 } },
    decide: tableDecide({}, () => ({ kind: 'file', path: '/x' })),
  });
  const { socket, head } = await handshake(gw.port, '/chat?room=1');
  t.after(() => socket.destroy());
  assert.equal(statusOf(head), 101);
  for (const message of ['hello', 'second message']) {
    const reply = await new Promise<Buffer>((resolve) => {
      socket.once('data', resolve);
      socket.write(frame(message, true));
    });
    assert.equal(unframe(reply), `echo:${message}`);
  }
  const seen = echo.seenHeaders[0]!;
  assert.equal(seen.host, 'ws.example');
  assert.equal(seen.upgrade, 'websocket');
  assert.equal(seen['x-forwarded-for'], '127.0.0.1');
  assert.equal(seen.via, '1.1 smoothgate');
});

test('Upgrade on a path the core answers itself is a normal response; a dead backend is 502', async (t) => {
  const dead = await freePort();
  const gw = await startGateway(t, {
    settings: { backend: { url: `http://127.0.0.1:${dead}`, preserveHost: true, sendOriginalUrl: true, connectTimeoutMs: 1000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, connections: 4 } },
    decide: tableDecide({ '/moved': { kind: 'redirect', status: 302, location: 'http://x/' } }, () => ({ kind: 'file', path: '/x' })),
  });
  const upgrade = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';
  const moved = await rawExchange(gw.port, `GET /moved HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`);
  assert.equal(statusOf(moved), 302);
  assert.match(moved, /Location: http:\/\/x\//);
  const failed = await rawExchange(gw.port, `GET /ws HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`);
  assert.equal(statusOf(failed), 502);
});
