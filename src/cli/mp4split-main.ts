export async function main(_argv: string[]): Promise<number> {
  process.stderr.write('mp4split: not implemented yet\n');
  return 2;
}
