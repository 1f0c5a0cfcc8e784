import { hideBin } from 'yargs/helpers';
import { isUserFacing } from '../errors.js';
import { redactText } from '../connection/redact.js';
import { buildCli, helpFor, kRealDispatch } from './program.js';

async function main(args: string[]): Promise<number> {
  const help = helpFor(args);
  if (help !== undefined) {
    process.stdout.write(help);
    return 0;
  }
  let exitCode = 0;
  await buildCli(args, kRealDispatch, (code) => (exitCode = code)).parseAsync();
  return exitCode;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (isUserFacing(err)) {
      console.error(`stampede: ${redactText(err.message)}`);
      process.exitCode = err.exitCode;
      return;
    }
    // A bug keeps its stack, but never a secret.
    console.error(redactText(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    process.exitCode = 1;
  },
);
