/**
 * Signals of `smoothgate serve` (INTERFACE.md §2): SIGHUP reloads like `apachectl graceful`;
 * SIGTERM and SIGINT drain (up to shutdownGrace) and exit 0. A second SIGTERM/SIGINT while
 * draining exits at once, as an impatient operator expects.
 */
import type { Logger } from 'pino';

export interface Drainable {
  reload(): Promise<boolean>;
  drain(): Promise<void>;
}

export function installSignalHandlers(target: Drainable, logger: Logger, exit: (code: number) => void): () => void {
  let stopping = false;
  const onHup = (): void => {
    logger.info('SIGHUP: reloading the configuration');
    void target.reload();
  };
  const onStop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn({ signal }, 'second stop signal: exiting now');
      exit(0);
      return;
    }
    stopping = true;
    logger.info({ signal }, 'draining before exit');
    target.drain().then(
      () => exit(0),
      (err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, 'drain failed');
        exit(0);
      },
    );
  };
  process.on('SIGHUP', onHup);
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  return () => {
    process.removeListener('SIGHUP', onHup);
    process.removeListener('SIGTERM', onStop);
    process.removeListener('SIGINT', onStop);
  };
}
