import { describe as suite, expect, it } from 'vitest';
import { demo } from '../examples/handle-error.js';

suite('README example', () => {
  it('maps S3 errors to their status and code, anything else to InternalError (500)', () => {
    expect(demo()).toEqual([
      { status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' },
      { status: 403, code: 'AccessDenied', message: 'Request has expired' },
      { status: 500, code: 'InternalError', message: 'We encountered an internal error. Please try again.' },
    ]);
  });
});
