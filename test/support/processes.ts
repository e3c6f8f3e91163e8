import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface Spawned {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Sends `signal` to a child still running and resolves once it has exited. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Runs a built entrypoint (dist/worker.js, dist/main.js) and resolves once it logs `readyText`. */
export async function spawnEntry(entry: 'worker' | 'main', env: Record<string, string>, readyText: string, timeoutMs = 15_000, cwd?: string): Promise<Spawned> {
  const child = spawn(process.execPath, [join(process.cwd(), `dist/${entry}.js`)], {
    cwd,
    env: { PATH: process.env.PATH!, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  // 'close', not 'exit': the last lines it wrote may still be in the pipe when it exits.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + timeoutMs;
  while (!output.includes(readyText)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, output: () => output, exited };
}
