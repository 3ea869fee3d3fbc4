/**
 * A stand-in for the runtime worker and its channel, for the page-side tests: synchronous, so
 * fake timers drive it. `posted` is what the client sent on the port; `reply` answers on the port
 * as the worker host would; `postFromCell` posts on the worker's own channel, as a cell can.
 */
import type { FromWorker, HostConnect, ToWorker } from '../../engine/protocol';
import type { ChannelLike, PortLike, WorkerLike } from '../../session/workerClient';

/** One end of a fake channel: what is posted on it reaches the other end's `onmessage`. */
class FakePort implements PortLike {
  peer: FakePort | null = null;
  closed = false;
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  onmessageerror: ((event: MessageEvent<unknown>) => void) | null = null;
  postMessage(message: unknown): void {
    if (this.closed || this.peer?.closed) return;
    this.peer?.onmessage?.({ data: message } as MessageEvent<unknown>);
  }
  close(): void {
    this.closed = true;
  }
}

/** A channel of two fake ports, in place of MessageChannel. */
export function fakeChannel(): ChannelLike {
  const port1 = new FakePort();
  const port2 = new FakePort();
  port1.peer = port2;
  port2.peer = port1;
  return { port1, port2: port2 as unknown as Transferable };
}

export class FakeWorker implements WorkerLike {
  /** What the client sent on the port, in order. */
  posted: ToWorker[] = [];
  /** What the client sent on the worker's own channel: only the handshake. */
  handshakes: HostConnect[] = [];
  terminated = false;
  /** Called with each message the client sends on the port, after it is recorded. */
  onPosted: ((message: ToWorker) => void) | null = null;
  onmessage: ((event: MessageEvent<unknown>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  private port: FakePort | null = null;

  postMessage(message: HostConnect, transfer: Transferable[]): void {
    this.handshakes.push(message);
    const port = transfer[0] as unknown as FakePort;
    if (port !== message.port) throw new Error('the handshake must transfer its port');
    this.port = port;
    port.onmessage = (event) => {
      this.posted.push(event.data as ToWorker);
      this.onPosted?.(event.data as ToWorker);
    };
  }

  terminate(): void {
    this.terminated = true;
  }

  /** Answers on the channel, as the worker host does. */
  reply(data: FromWorker | unknown): void {
    if (!this.port) throw new Error('the client never sent the handshake');
    this.port.postMessage(data);
  }

  /** Posts on the worker's own channel, as a cell calling `postMessage` can. */
  postFromCell(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent<unknown>);
  }

  /** The runs the client asked for. */
  runs() {
    return this.posted.flatMap((message) => (message.type === 'cell/run' ? [message] : []));
  }
}
