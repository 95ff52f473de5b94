/** Socket helpers for the bench: a port probe and a slow HTTP reader (bounded by its caller). */
import { connect, type Socket } from 'node:net';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends GET path and then reads `bytesPerTick` every `tickMs` (pausing the socket in between). */
function slowReader(port: number, path: string, bytesPerTick: number, tickMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      let budget = bytesPerTick;
      socket.on('data', (chunk: Buffer) => {
        budget -= chunk.length;
        if (budget <= 0) socket.pause();
      });
      const timer = setInterval(() => {
        budget = bytesPerTick;
        socket.resume();
      }, tickMs);
      socket.once('close', () => clearInterval(timer));
      socket.on('error', () => clearInterval(timer));
      resolve(socket);
    });
  });
}

export const net = { canConnect, slowReader };
