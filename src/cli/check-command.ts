import { usageError } from './main';

export async function run(_argv: string[]): Promise<number> {
  throw usageError('check: not implemented yet');
}
