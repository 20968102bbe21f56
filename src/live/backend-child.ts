/**
 * Entry module of the backend child process (`backends.ts`, placement `child`): hosts a
 * {@link BackendFleet} and answers its parent over the IPC channel (start → ports, snapshot, arm
 * faults, CPU time, close). Exits when told to close, on SIGTERM, or when the parent disconnects.
 */
import { cpuUsage } from 'node:process';
import { BackendFleet, type FromBackendChild, type ToBackendChild } from './backends.js';
import { exitWithParent } from './children.js';

let fleet: BackendFleet | null = null;

function send(m: FromBackendChild): void {
  if (process.connected) process.send?.(m);
}

async function shutdown(code = 0): Promise<never> {
  const f = fleet;
  fleet = null;
  await f?.close();
  process.exit(code);
}

process.on('message', (m: ToBackendChild) => {
  switch (m.op) {
    case 'start': {
      fleet = new BackendFleet(m.specs);
      fleet.listen().then(
        (ports) => send({ op: 'ready', ports }),
        (e: unknown) => {
          send({ op: 'failed', message: e instanceof Error ? e.message : String(e) });
          void shutdown(1);
        },
      );
      break;
    }
    case 'snapshot':
      send({ op: 'reply', id: m.id, value: fleet?.snapshot() ?? [] });
      break;
    case 'arm':
      fleet?.arm(m.windows, m.epochStartMs);
      send({ op: 'reply', id: m.id, value: true });
      break;
    case 'cpu': {
      const u = cpuUsage();
      send({ op: 'reply', id: m.id, value: (u.user + u.system) / 1000 });
      break;
    }
    case 'close': {
      const f = fleet;
      fleet = null;
      void (f?.close() ?? Promise.resolve()).then(() => {
        send({ op: 'reply', id: m.id, value: true });
        setTimeout(() => process.exit(0), 10);
      });
      break;
    }
  }
});

process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => undefined); // the parent handles Ctrl-C and closes us
exitWithParent(() => fleet?.close());
