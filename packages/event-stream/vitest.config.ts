import { s3kitProject } from '@s3kit/test-utils/vitest';

export default s3kitProject('event-stream');
