/**
 * Runs ../shared/tools/player-check (headless Chromium with dash.js / Shaka 4.x; its README) against a
 * URL and returns its JSON verdict. The tool's location is computed at run time from the project root
 * (or PLAYER_CHECK=path/to/check.mjs); tests skip when it or its node_modules are missing.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { chromiumAvailable } from './chromium';

const PROJECT_ROOT = join(__dirname, '..', '..', '..');

export const PLAYER_CHECK = process.env.PLAYER_CHECK ?? resolve(PROJECT_ROOT, '..', 'shared', 'tools', 'player-check', 'check.mjs');

export function playerCheckAvailable(): boolean {
  return chromiumAvailable() && existsSync(PLAYER_CHECK) && existsSync(join(dirname(PLAYER_CHECK), 'node_modules'));
}

export interface PlayerVerdict {
  readonly ok: boolean;
  readonly player: string;
  readonly errors: unknown[];
  readonly warnings: unknown[];
  readonly played_s?: number;
  readonly seek_ok?: boolean;
  readonly levels_played?: number[];
  readonly streams?: Record<string, number>;
  readonly decoded?: { audio_bytes: number; video_bytes: number };
  readonly [key: string]: unknown;
}

export function runPlayerCheck(player: 'dashjs' | 'dashjs4' | 'shaka', url: string, extra: string[] = [], timeoutSec = 60): Promise<PlayerVerdict> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [PLAYER_CHECK, '--player', player, '--url', url, '--json', '--timeout', String(timeoutSec), ...extra], { maxBuffer: 16 * 1024 * 1024, timeout: (timeoutSec + 30) * 1000 }, (error, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolvePromise(JSON.parse(line) as PlayerVerdict);
      } catch {
        reject(new Error(`player-check gave no JSON (${error?.message ?? ''}): ${stdout.slice(-2000)} ${stderr.slice(-2000)}`));
      }
    });
  });
}

/** The players of the Smooth Streaming matrix (issue 5: dash.js 5.x and 4.x, Shaka 4.x). */
export const SMOOTH_PLAYERS = ['dashjs', 'dashjs4', 'shaka'] as const;

/** A run played, seeked, had one video and one audio stream, and played `levels` quality levels. */
export function assertPlayed(verdict: PlayerVerdict, levels: number): void {
  assert.equal(verdict.ok, true, JSON.stringify(verdict));
  assert.equal(verdict.seek_ok, true);
  assert.deepEqual(verdict.streams, { video: 1, audio: 1 });
  assert.equal(verdict.levels_played?.length, levels, JSON.stringify(verdict.levels_played));
}
