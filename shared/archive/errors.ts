import { ApiError } from '../kernel/api-error.ts';

/** 404 `call_not_found`: no such call for this application (ended calls are found). */
export class CallNotFoundError extends ApiError {
  constructor() {
    super(404, 'call_not_found', 'no call with this id');
  }
}

/** 404 `recording_not_found`: no such recording for this application. */
export class RecordingNotFoundError extends ApiError {
  constructor() {
    super(404, 'recording_not_found', 'no recording with this id');
  }
}

/** 409 `recording_not_completed`: the recording has no stored audio (still started, or failed). */
export class RecordingNotCompletedError extends ApiError {
  constructor() {
    super(409, 'recording_not_completed', 'the recording has no audio to download; it is not completed');
  }
}

/** 409 `recording_in_progress`: a started recording cannot be deleted; stop it first. */
export class RecordingInProgressError extends ApiError {
  constructor() {
    super(409, 'recording_in_progress', 'the recording is still started; stop it before deleting it');
  }
}

/** 410 `recording_deleted`: the recording was deleted and its audio is gone. */
export class RecordingDeletedError extends ApiError {
  constructor() {
    super(410, 'recording_deleted', 'the recording was deleted; its audio is gone');
  }
}

/** A conditional write found the recording changed since it was read (the caller reads it again). */
export class RecordingChangedError extends Error {
  constructor() {
    super('the recording changed since it was read');
    this.name = 'RecordingChangedError';
  }
}
