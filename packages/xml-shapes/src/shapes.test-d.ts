// Type tests (checked by `pnpm typecheck`): the schema drives the TypeScript types.
import { expectTypeOf } from 'vitest';
import { buildXml, parseXml } from './xml.js';
import type { ListBucketResult, Tagging } from './shapes.js';
import type { OperationName } from './operations.js';

const list = parseXml('ListBucketResult', '');
expectTypeOf(list).toEqualTypeOf<ListBucketResult>();
expectTypeOf(list.Contents).items.toHaveProperty('Key').toEqualTypeOf<string>();
expectTypeOf(list.Contents[0]!.Size).toEqualTypeOf<number | undefined>();
expectTypeOf(list.Contents[0]!.LastModified).toEqualTypeOf<Date | undefined>();
expectTypeOf(list.IsTruncated).toEqualTypeOf<boolean | undefined>();
expectTypeOf(list.CommonPrefixes).toEqualTypeOf<{ Prefix?: string }[]>();
expectTypeOf<Tagging['TagSet'][number]>().toEqualTypeOf<{ Key: string; Value: string }>();
expectTypeOf(parseXml('LocationConstraint', '')).toEqualTypeOf<string>();

// The builder accepts values without lists, and rejects wrong types.
buildXml('ListBucketResult', { Name: 'b', Contents: [{ Key: 'k' }] });
// @ts-expect-error Size is a number
buildXml('ListBucketResult', { Contents: [{ Key: 'k', Size: '1' }] });
// @ts-expect-error Tag needs Value
buildXml('Tagging', { TagSet: [{ Key: 'k' }] });

expectTypeOf<'ListObjectsV2'>().toMatchTypeOf<OperationName>();
// @ts-expect-error not an operation
const bad: OperationName = 'ListObjectsV3';
void bad;
