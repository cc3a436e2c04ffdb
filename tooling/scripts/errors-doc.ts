// Writes docs/errors.md from the one S3 error table.
import { writeFileSync } from 'node:fs';
import { renderErrorsMarkdown } from '../../packages/errors/src/render-doc.js';

writeFileSync(new URL('../../docs/errors.md', import.meta.url), renderErrorsMarkdown());
