import { StampedeError } from '../errors.js';

/**
 * A crash on purpose, for the tests of thread failures: one producer or --e2e consumer thread that
 * throws, or exits its thread, a while after go. Reachable only through the environment variable
 * STAMPEDE_TEST_FAULT, which no flag, workload file or --help mentions: a user cannot ask for it by
 * accident with a typo in a run's options, and a run that has it set says so in a notice.
 * Format: `<producer|consumer>-<throw|exit>:<thread index>@<duration>`, e.g. `producer-throw:1@2s`.
 */
export const kTestFaultVariable = 'STAMPEDE_TEST_FAULT';

export interface TestCrash {
  role: 'producer' | 'consumer';
  how: 'throw' | 'exit';
  index: number;
  afterMs: number;
}

/** The crash asked for by the environment, if any; a malformed value is bad input (exit 2). */
export function testCrashFrom(env: NodeJS.ProcessEnv): TestCrash | undefined {
  const raw = env[kTestFaultVariable];
  if (raw === undefined || raw === '') return undefined;
  const match = /^(producer|consumer)-(throw|exit):(\d+)@(\d+)(ms|s)$/.exec(raw.trim());
  if (!match) throw new StampedeError('E_OPTION', `$${kTestFaultVariable} must be <producer|consumer>-<throw|exit>:<index>@<duration>, such as producer-throw:1@2s (got ${JSON.stringify(raw)})`);
  return { role: match[1] as TestCrash['role'], how: match[2] as TestCrash['how'], index: Number(match[3]), afterMs: Number(match[4]) * (match[5] === 's' ? 1000 : 1) };
}

/** In the thread that was picked: throws, or ends the thread as an uncaught crash would. */
export function crashNow(crash: TestCrash, name: string): never {
  if (crash.how === 'exit') process.exit(70); // in a worker thread this ends the thread alone
  throw new StampedeError('E_WORKER', `${name} crashed on purpose ($${kTestFaultVariable})`, { exitCode: 1 });
}
