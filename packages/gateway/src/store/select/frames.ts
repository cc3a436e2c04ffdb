import { contEvent, endEvent, errorEvent, progressEvent, recordsEvent, statsEvent } from '@s3kit/event-stream';
import type { SelectEvent } from './index.js';

export { errorEvent };

/** The content type of a SelectObjectContent answer. */
export const EVENT_STREAM_TYPE = 'application/vnd.amazon.eventstream';

/** The wire message (application/vnd.amazon.eventstream) of an engine event. */
export function eventFrame(ev: SelectEvent): Uint8Array {
  switch (ev.type) {
    case 'Records':
      return recordsEvent(ev.payload);
    case 'Stats':
      return statsEvent(ev);
    case 'Progress':
      return progressEvent(ev);
    case 'Cont':
      return contEvent();
    case 'End':
      return endEvent();
  }
}
