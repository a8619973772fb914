import type { Clock, EventQueue, IdGenerator, Logger, RecordingProvider, RecordingStore } from '../ports.ts';

/** Ports and settings shared by the recording use cases. */
export interface RecordingDeps {
  store: RecordingStore;
  queue: EventQueue;
  provider: RecordingProvider;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  settings: {
    /** How long a start/stop claim is honoured before another request may take it over. */
    claimLeaseMs: number;
  };
}
