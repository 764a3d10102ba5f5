// Runs the native `datt` CLI the way a shell pipeline would.
import { spawnSync } from 'node:child_process';

import { cliPath } from './vectors.mjs';

/**
 * Runs `datt args...` with `input` on stdin and returns { status, stdout, stderr } as strings.
 * `env` adds variables; every name in `unset` is removed from the inherited environment, so a
 * developer's own DATT_SECRET_KEY cannot leak into a test.
 *
 * EPIPE is not an error: the CLI may refuse (a missing key, a capped input) and exit before it
 * reads all of stdin, as any Unix filter may; its status and output are what the test checks.
 */
export function runCli(args, { input = '', env = {}, unset = [] } = {}) {
  const fullEnv = { ...process.env, ...env };
  for (const name of unset) if (!(name in env)) delete fullEnv[name];
  const result = spawnSync(cliPath(), args, { input, env: fullEnv, maxBuffer: 64 << 20 });
  if (result.error && result.error.code !== 'EPIPE') throw result.error;
  return { status: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}
