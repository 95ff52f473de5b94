/**
 * A client that asks for a large body and then reads it slowly: the socket stays paused and at most
 * `bytesPerTick` are taken from it every `tickMs`, so the server meets a full socket buffer and
 * must wait (backpressure) rather than buffer the file in memory.
 */
import { connect, type Socket } from 'node:net';

export class PacedReader {
  private readonly socket: Socket;
  private readonly timer: NodeJS.Timeout;
  private head = '';
  bytes = 0;
  closedByServer = false;
  error: string | null = null;

  constructor(port: number, target: string, bytesPerTick: number, tickMs: number) {
    this.socket = connect({ port, host: '127.0.0.1' });
    this.socket.on('connect', () => this.socket.write(`GET ${target} HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n`));
    this.socket.on('error', (err) => (this.error = err.message));
    this.socket.on('close', () => (this.closedByServer = true));
    this.socket.pause();
    this.timer = setInterval(() => this.readSome(bytesPerTick), tickMs);
  }

  /** Status of the answer once its head arrived, else null. */
  get status(): number | null {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(this.head);
    return m ? Number(m[1]) : null;
  }

  private readSome(budget: number): void {
    let left = budget;
    while (left > 0) {
      const chunk = this.socket.read(Math.min(left, 16 * 1024)) as Buffer | null;
      if (chunk === null) break;
      if (this.head.length < 64) this.head += chunk.subarray(0, 64).toString('latin1');
      this.bytes += chunk.length;
      left -= chunk.length;
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.socket.destroy();
  }
}
